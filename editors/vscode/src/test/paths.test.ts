// Tests of binary resolution and path expansion (plain node: `npm test`).

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';

import { bundledCandidates, expandPath, findExecutable, resolveServerCommand, ServerLookup } from '../logic/paths';

const posix = { homeDir: '/home/ada', workspaceFolder: '/work/app', platform: 'linux' as NodeJS.Platform };

function lookup(over: Partial<ServerLookup>, files: string[] = []): ServerLookup {
  return {
    ...posix,
    configuredPath: '',
    extensionPath: '/ext/kref',
    arch: 'x64',
    isFile: (f) => files.includes(f),
    ...over,
  };
}

describe('expandPath', () => {
  it('expands ~, ${userHome} and ${workspaceFolder}', () => {
    assert.equal(expandPath('~/notes', posix), '/home/ada/notes');
    assert.equal(expandPath('~', posix), '/home/ada');
    assert.equal(expandPath('${userHome}/k8s', posix), '/home/ada/k8s');
    assert.equal(expandPath('${workspaceFolder}/docs', posix), '/work/app/docs');
  });

  it('takes relative paths from the workspace folder, keeps absolute ones', () => {
    assert.equal(expandPath('docs/notes', posix), '/work/app/docs/notes');
    assert.equal(expandPath('./docs/../notes', posix), '/work/app/notes');
    assert.equal(expandPath('/srv/notes', posix), '/srv/notes');
    assert.equal(expandPath('  ', posix), '');
  });

  it('leaves relative paths alone without a workspace folder', () => {
    assert.equal(expandPath('docs', { ...posix, workspaceFolder: undefined }), 'docs');
  });

  it('understands Windows paths', () => {
    const win = { homeDir: 'C:\\Users\\ada', workspaceFolder: 'D:\\app', platform: 'win32' as NodeJS.Platform };
    assert.equal(expandPath('~\\notes', win), 'C:\\Users\\ada\\notes');
    assert.equal(expandPath('docs\\k8s', win), 'D:\\app\\docs\\k8s');
    assert.equal(expandPath('E:\\notes', win), 'E:\\notes');
  });
});

describe('resolveServerCommand', () => {
  it('uses kref.path first, expanded', () => {
    assert.deepEqual(resolveServerCommand(lookup({ configuredPath: '~/bin/kref' }, ['/ext/kref/bin/kref'])), {
      command: '/home/ada/bin/kref',
      source: 'setting',
    });
    assert.deepEqual(resolveServerCommand(lookup({ configuredPath: 'target/release/kref' })), {
      command: '/work/app/target/release/kref',
      source: 'setting',
    });
  });

  it('keeps a bare command name in kref.path for PATH lookup', () => {
    assert.deepEqual(resolveServerCommand(lookup({ configuredPath: 'kref-nightly' })), {
      command: 'kref-nightly',
      source: 'setting',
    });
  });

  it('prefers a platform-specific bundled binary, then bin/kref', () => {
    assert.deepEqual(resolveServerCommand(lookup({}, ['/ext/kref/bin/kref', '/ext/kref/bin/linux-x64/kref'])), {
      command: '/ext/kref/bin/linux-x64/kref',
      source: 'bundled',
    });
    assert.deepEqual(resolveServerCommand(lookup({}, ['/ext/kref/bin/kref'])), {
      command: '/ext/kref/bin/kref',
      source: 'bundled',
    });
  });

  it('falls back to kref on PATH (kref.exe on Windows)', () => {
    assert.deepEqual(resolveServerCommand(lookup({})), { command: 'kref', source: 'path' });
    const win = lookup({ platform: 'win32', homeDir: 'C:\\u', workspaceFolder: undefined, extensionPath: 'C:\\ext' });
    assert.deepEqual(resolveServerCommand(win), { command: 'kref.exe', source: 'path' });
    assert.deepEqual(bundledCandidates('C:\\ext', 'win32', 'arm64'), ['C:\\ext\\bin\\win32-arm64\\kref.exe', 'C:\\ext\\bin\\kref.exe']);
  });
});

describe('findExecutable', () => {
  it('searches PATH in order', () => {
    const files = ['/usr/bin/kref', '/opt/kref/bin/kref'];
    const isFile = (f: string) => files.includes(f);
    assert.equal(findExecutable('kref', { PATH: '/bin:/opt/kref/bin:/usr/bin' }, 'linux', isFile), '/opt/kref/bin/kref');
    assert.equal(findExecutable('kref', { PATH: '/bin' }, 'linux', isFile), undefined);
    assert.equal(findExecutable('kref', {}, 'linux', isFile), undefined);
  });

  it('checks a path with a separator directly', () => {
    const isFile = (f: string) => f === '/x/kref';
    assert.equal(findExecutable('/x/kref', { PATH: '' }, 'linux', isFile), '/x/kref');
    assert.equal(findExecutable('/y/kref', { PATH: '/x' }, 'linux', isFile), undefined);
  });

  it('tries PATHEXT on Windows', () => {
    const isFile = (f: string) => f === 'C:\\tools\\kref.exe';
    assert.equal(findExecutable('kref', { PATH: 'C:\\bin;C:\\tools', PATHEXT: '.COM;.EXE' }, 'win32', isFile), 'C:\\tools\\kref.exe');
    assert.equal(findExecutable('kref.exe', { PATH: 'C:\\tools' }, 'win32', isFile), 'C:\\tools\\kref.exe');
  });
});

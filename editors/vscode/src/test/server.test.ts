// Tests of the start-up checks (plain node: `npm test`), against small shell scripts standing in
// for kref: a good one, an old one, one that fails, one that hangs, one that is not kref.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';

import {
  compareVersions,
  CrashCounter,
  failureMessage,
  MIN_SERVER_VERSION,
  parseVersion,
  probeServer,
  StderrTail,
  Tried,
} from '../logic/server';

const posixOnly = { skip: process.platform === 'win32' ? 'shell scripts stand in for kref' : false };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kref-probe-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string, mode = 0o755): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode });
  return file;
}

const fromPath: Tried = { binary: 'kref', source: 'path' };
const fromSetting = (binary: string): Tried => ({ binary, source: 'setting' });

describe('parseVersion and compareVersions', () => {
  it('reads what `kref --version` prints', () => {
    assert.equal(parseVersion('kref 0.1.0\n'), '0.1.0');
    assert.equal(parseVersion('kref 1.12.3-dev\n'), '1.12.3');
    assert.equal(parseVersion('yaml-language-server 1.0\n'), undefined);
    assert.equal(parseVersion('Usage: kref [OPTIONS]\n'), undefined);
  });

  it('orders versions numerically', () => {
    assert.ok(compareVersions('0.10.0', '0.9.9') > 0);
    assert.ok(compareVersions('0.1.0', '0.1.0') === 0);
    assert.ok(compareVersions('0.0.9', MIN_SERVER_VERSION) < 0);
  });
});

describe('probeServer', posixOnly, () => {
  it('accepts a current kref', async () => {
    const good = script('good', `echo "kref ${MIN_SERVER_VERSION}"`);
    assert.deepEqual(await probeServer(good), { kind: 'ok', version: MIN_SERVER_VERSION });
  });

  it('reports a missing binary', async () => {
    assert.equal((await probeServer(path.join(dir, 'nowhere', 'kref'))).kind, 'missing');
  });

  it('reports a file that cannot be run', async () => {
    const plain = script('plain', 'echo kref 9.9.9', 0o644);
    const probe = await probeServer(plain);
    assert.equal(probe.kind, 'not-executable');
  });

  it('reports an old kref with its version', async () => {
    const old = script('old', 'echo "kref 0.0.1"');
    assert.deepEqual(await probeServer(old), { kind: 'too-old', version: '0.0.1' });
  });

  it('reports a binary that fails, with its exit code and stderr', async () => {
    const broken = script('broken', 'echo "error while loading shared libraries: libfoo.so" >&2; exit 127');
    const probe = await probeServer(broken);
    assert.equal(probe.kind, 'version-failed');
    if (probe.kind === 'version-failed') {
      assert.equal(probe.code, 127);
      assert.match(probe.stderr, /libfoo\.so/);
    }
  });

  it('reports a program that is not kref', async () => {
    const other = script('other', 'echo "yaml-language-server 1.15.0"');
    const probe = await probeServer(other);
    assert.deepEqual(probe, { kind: 'not-kref', output: 'yaml-language-server 1.15.0' });
  });

  it('gives up on a binary that hangs', async () => {
    const hangs = script('hangs', 'exec sleep 30');
    const started = Date.now();
    assert.equal((await probeServer(hangs, { timeoutMs: 300 })).kind, 'version-timeout');
    assert.ok(Date.now() - started < 5000);
  });
});

describe('failureMessage', () => {
  it('names the binary, what it said and the fix', () => {
    const missing = failureMessage({ kind: 'missing' }, fromPath);
    assert.match(missing.message, /"kref" was not found on PATH/);
    assert.match(missing.message, /cargo install --path \./);
    assert.deepEqual(missing.actions, ['Open Settings', 'Show Output']);

    const setting = failureMessage({ kind: 'missing' }, fromSetting('/opt/kref/bin/kref'));
    assert.match(setting.message, /"\/opt\/kref\/bin\/kref" \(from the kref\.path setting\) does not exist/);
    assert.match(setting.message, /Fix kref\.path/);

    const old = failureMessage({ kind: 'too-old', version: '0.0.1' }, fromSetting('/usr/bin/kref'));
    assert.match(old.message, /is kref 0\.0\.1, older than/);
    assert.match(old.message, /Restart server/);

    const exited = failureMessage(
      { kind: 'exited', code: 2, signal: null, stderr: "error: unexpected argument '--stdio' found\n" },
      fromSetting('/usr/bin/kref'),
    );
    assert.match(exited.message, /"\/usr\/bin\/kref" .* exited at start \(exit code 2\)/);
    assert.match(exited.message, /unexpected argument '--stdio'/);
    assert.equal(exited.actions[0], 'Restart Server');

    const silent = failureMessage({ kind: 'exited', code: null, signal: 'SIGSEGV', stderr: '' }, fromPath);
    assert.match(silent.message, /killed by SIGSEGV/);
    assert.match(silent.message, /printed nothing on standard error/);

    const crashed = failureMessage({ kind: 'crashed', times: 5, code: 101, signal: null, stderr: 'panicked' }, fromPath);
    assert.match(crashed.message, /stopped 5 times in 3 minutes/);
    assert.match(crashed.message, /panicked/);
  });
});

describe('StderrTail', () => {
  it('keeps the last lines, bounded', () => {
    const tail = new StderrTail(100);
    for (let i = 0; i < 50; i++) {
      tail.add(`line ${i}\n`);
    }
    assert.equal(tail.last(2), 'line 48\nline 49');
    assert.ok(tail.last(100, 20).length <= 21);
  });
});

describe('CrashCounter', () => {
  it('restarts four times within three minutes, then gives up', () => {
    const counter = new CrashCounter();
    const t0 = 1_000_000;
    for (let i = 0; i < 4; i++) {
      assert.equal(counter.record(t0 + i * 1000), 'restart');
    }
    assert.equal(counter.record(t0 + 5000), 'give-up');
  });

  it('forgets crashes older than the window', () => {
    const counter = new CrashCounter(1, 1000);
    assert.equal(counter.record(0), 'restart');
    assert.equal(counter.record(5000), 'restart');
    assert.equal(counter.record(5500), 'give-up');
  });
});

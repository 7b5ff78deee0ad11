// Tests of settings → initializationOptions / didChangeConfiguration (plain node: `npm test`).

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';

import {
  didChangeConfigurationParams,
  normalizeKubernetesVersion,
  hintOptions,
  reactionTo,
  ruleOptions,
  toServerOptions,
} from '../logic/settings';

const ctx = { homeDir: '/home/ada', workspaceFolder: '/work/app', platform: 'linux' as NodeJS.Platform };

describe('toServerOptions', () => {
  it('gives empty lists and no version by default', () => {
    assert.deepEqual(toServerOptions({}, ctx), { notes: [], schemas: [] });
    assert.deepEqual(toServerOptions({ notes: [], schemas: [], kubernetesVersion: '' }, ctx), { notes: [], schemas: [] });
  });

  it('expands and de-duplicates paths, dropping blanks and non-strings', () => {
    const options = toServerOptions(
      { notes: ['docs/k8s', '~/notes', '/work/app/docs/k8s', '', 7, null], schemas: ['crds/app.yaml'] },
      ctx,
    );
    assert.deepEqual(options, {
      notes: ['/work/app/docs/k8s', '/home/ada/notes'],
      schemas: ['/work/app/crds/app.yaml'],
    });
  });

  it('accepts a single string where a list is expected', () => {
    assert.deepEqual(toServerOptions({ notes: '~/notes' }, ctx).notes, ['/home/ada/notes']);
  });

  it('normalises the Kubernetes version', () => {
    assert.equal(toServerOptions({ kubernetesVersion: 'v1.33.2' }, ctx).kubernetesVersion, '1.33');
    assert.equal(normalizeKubernetesVersion('1.30'), '1.30');
    assert.equal(normalizeKubernetesVersion(' v1.29 '), '1.29');
    assert.equal(normalizeKubernetesVersion('latest'), undefined);
    assert.equal(normalizeKubernetesVersion(1.33), undefined);
  });

  it('wraps options for didChangeConfiguration', () => {
    assert.deepEqual(didChangeConfigurationParams({ notes: ['/n'], schemas: [], kubernetesVersion: '1.33' }), {
      settings: { kref: { notes: ['/n'], schemas: [], kubernetesVersion: '1.33' } },
    });
  });
});

describe('ruleOptions', () => {
  it('keeps what the server understands and drops the rest', () => {
    assert.equal(ruleOptions(undefined), undefined);
    assert.equal(ruleOptions({}), undefined);
    assert.equal(ruleOptions(['strict']), undefined);
    assert.deepEqual(
      ruleOptions({ profile: ' strict ', disable: ['image-tag', 3, ''], enable: 'job-ttl', severity: { 'missing-resources': 'error', x: 1 } }),
      { profile: 'strict', disable: ['image-tag'], enable: ['job-ttl'], severity: { 'missing-resources': 'error' } },
    );
  });

  it('is sent with the other options', () => {
    assert.deepEqual(toServerOptions({ rules: { disable: ['image-tag'] } }, ctx).rules, { disable: ['image-tag'] });
  });
});

describe('inlay hint switches', () => {
  it('sends only the kinds switched off', () => {
    assert.equal(hintOptions({ secretData: true, defaults: true, quantities: true }), undefined);
    assert.deepEqual(hintOptions({ secretData: true, defaults: false, quantities: 'no' }), { defaults: false });
    assert.equal(hintOptions(null), undefined);
    assert.deepEqual(toServerOptions({ inlayHints: { quantities: false } }, ctx).inlayHints, { quantities: false });
    assert.equal(toServerOptions({ inlayHints: {} }, ctx).inlayHints, undefined);
  });
});

describe('reactionTo', () => {
  const changed = (...keys: string[]) => (section: string) =>
    keys.some((k) => k === section || k.startsWith(section + '.') || section.startsWith(k + '.'));

  it('restarts for a new binary', () => {
    assert.equal(reactionTo(changed('kref.path')), 'restart');
    assert.equal(reactionTo(changed('kref.path', 'kref.notes')), 'restart');
  });

  it('notifies the server for notes, schemas and version', () => {
    assert.equal(reactionTo(changed('kref.notes')), 'notify');
    assert.equal(reactionTo(changed('kref.schemas')), 'notify');
    assert.equal(reactionTo(changed('kref.kubernetesVersion')), 'notify');
    assert.equal(reactionTo(changed('kref.rules')), 'notify');
    assert.equal(reactionTo(changed('kref.inlayHints.defaults')), 'notify');
  });

  it('ignores trace (the client handles it) and other extensions', () => {
    assert.equal(reactionTo(changed('kref.trace.server')), 'none');
    assert.equal(reactionTo(changed('kref.openMarkdownAs')), 'none');
    assert.equal(reactionTo(changed('yaml.schemas')), 'none');
  });
});

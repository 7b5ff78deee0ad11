// Tests of manifest detection (plain node: `npm test`).

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';

import { looksLikeManifest } from '../logic/manifest';

describe('looksLikeManifest', () => {
  it('accepts a plain manifest', () => {
    assert.equal(looksLikeManifest('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n'), true);
  });

  it('accepts kind before apiVersion, CRLF line ends and quoted keys', () => {
    assert.equal(looksLikeManifest('kind: Pod\r\napiVersion: v1\r\n'), true);
    assert.equal(looksLikeManifest('"apiVersion": v1\n\'kind\': ConfigMap\n'), true);
  });

  it('accepts a manifest that is not the first document', () => {
    const text = 'name: not k8s\nservices: {}\n---\n# comment\napiVersion: batch/v1\nkind: CronJob\n';
    assert.equal(looksLikeManifest(text), true);
  });

  it('accepts a flow mapping on one line, also after ---', () => {
    assert.equal(looksLikeManifest('{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}}\n'), true);
    assert.equal(looksLikeManifest('--- {kind: Pod, apiVersion: v1}\n'), true);
  });

  it('rejects YAML that is not a manifest', () => {
    assert.equal(looksLikeManifest('services:\n  web:\n    image: nginx\n'), false);
    assert.equal(looksLikeManifest('on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n'), false);
    assert.equal(looksLikeManifest(''), false);
  });

  it('ignores nested keys (Helm values, docs that mention the words)', () => {
    const values = 'ingress:\n  apiVersion: networking.k8s.io/v1\n  kind: Ingress\n';
    assert.equal(looksLikeManifest(values), false);
    assert.equal(looksLikeManifest('# apiVersion: v1\n# kind: Pod\n'), false);
    assert.equal(looksLikeManifest('description: |\n  apiVersion: v1\n  kind: Pod\n'), false);
  });

  it('needs both keys in the same document', () => {
    assert.equal(looksLikeManifest('apiVersion: v1\n---\nkind: Pod\n'), false);
    assert.equal(looksLikeManifest('apiVersion: v1\n...\nkind: Pod\n'), false);
  });

  it('does not take a key that merely starts with the word', () => {
    assert.equal(looksLikeManifest('apiVersionX: v1\nkindness: yes\n'), false);
  });

  it('looks at no more than maxChars', () => {
    const text = 'a: b\n'.repeat(100) + 'apiVersion: v1\nkind: Pod\n';
    assert.equal(looksLikeManifest(text, 100), false);
    assert.equal(looksLikeManifest(text), true);
  });
});

// The client's declarations of the server's views (`logic/search.ts`) checked against JSON the
// server's own views produce: `server/ide/src/views/tests.rs` writes the fixtures in
// `fixtures/` from the Rust structs (and fails when they drift from what is committed). Here every
// declared field must be in the fixture with the declared type, and every fixture field must be
// declared: a field added, removed or renamed on either side fails.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { ExplainResult, parseSearchResult, SearchAnswer, SearchHit, SearchResult, ShowResult } from '../logic/search';

type Shape = 'string' | 'number' | 'string[]' | 'string|null' | 'ranges' | 'array' | 'object|null';

/** One entry per declared field: the compiler rejects a missing or unknown key. */
type ShapeOf<T> = { [K in keyof T]-?: Shape };

const HIT: ShapeOf<SearchHit> = {
  rank: 'number',
  id: 'string',
  type: 'string',
  source: 'string',
  title: 'string',
  breadcrumb: 'string',
  path: 'string',
  line: 'number',
  kinds: 'string[]',
  score: 'number',
  snippet: 'string',
  highlights: 'ranges',
  summary: 'string',
  values: 'string[]',
};

const ANSWER: ShapeOf<SearchAnswer> = {
  rank: 'number',
  id: 'string',
  title: 'string',
  subject: 'string',
  kind: 'string',
  field: 'string|null',
  summary: 'string',
  values: 'string[]',
};

const RESULT: ShapeOf<SearchResult> = {
  query: 'string',
  results: 'array',
  answer: 'object|null',
  did_you_mean: 'string[]',
};

const SHOW: ShapeOf<ShowResult> = {
  id: 'string',
  title: 'string',
  breadcrumb: 'string',
  source: 'string',
  path: 'string',
  line_start: 'number',
  line_end: 'number',
  kinds: 'string[]',
  markdown: 'string',
};

const EXPLAIN: ShapeOf<ExplainResult> = {
  path: 'string',
  markdown: 'string',
};

function fixture(name: string): Record<string, unknown> {
  // Compiled to out/test/; the fixtures stay in src/test/fixtures/.
  const file = path.join(__dirname, '..', '..', 'src', 'test', 'fixtures', name);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

function matches(value: unknown, shape: Shape): boolean {
  const isString = (v: unknown) => typeof v === 'string';
  switch (shape) {
    case 'string':
      return isString(value);
    case 'number':
      return typeof value === 'number';
    case 'string[]':
      return Array.isArray(value) && value.every(isString);
    case 'string|null':
      return value === null || isString(value);
    case 'ranges':
      return (
        Array.isArray(value) &&
        value.every((r) => Array.isArray(r) && r.length === 2 && r.every((n) => typeof n === 'number'))
      );
    case 'array':
      return Array.isArray(value);
    case 'object|null':
      return value === null || (typeof value === 'object' && !Array.isArray(value));
  }
}

function check(what: string, value: unknown, shape: Record<string, Shape>): void {
  assert.ok(typeof value === 'object' && value !== null, `${what} is an object`);
  const object = value as Record<string, unknown>;
  assert.deepEqual(Object.keys(object).sort(), Object.keys(shape).sort(), `${what}: fields of the server's view vs. the client's declaration`);
  for (const [key, type] of Object.entries(shape)) {
    assert.ok(matches(object[key], type), `${what}.${key} should be ${type}, is ${JSON.stringify(object[key])}`);
  }
}

describe('the client reads the views the server writes', () => {
  it('kref/search', () => {
    for (const name of ['search.json', 'search-nothing.json']) {
      const result = fixture(name);
      check(name, result, RESULT);
      for (const hit of result.results as unknown[]) {
        check(`${name} result`, hit, HIT);
      }
      if (result.answer !== null) {
        check(`${name} answer`, result.answer, ANSWER);
      }
      const parsed = parseSearchResult(result);
      assert.equal(parsed.results.length, (result.results as unknown[]).length);
      assert.deepEqual(parsed.did_you_mean, result.did_you_mean);
    }
    assert.notEqual(fixture('search.json').answer, null, 'the fixture covers an answer');
  });

  it('kref/show', () => {
    check('show.json', fixture('show.json'), SHOW);
  });

  it('kref/explain', () => {
    check('explain.json', fixture('explain.json'), EXPLAIN);
  });
});

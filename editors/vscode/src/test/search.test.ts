// Tests of search results → quick-pick items, note targets and virtual documents (`npm test`).

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';

import {
  explainUri,
  hitMarkdown,
  hitOrigin,
  isRealPath,
  nothingFoundMessage,
  noteMarkdown,
  noteTarget,
  noteUri,
  oneLine,
  parseQueryInput,
  parseSearchResult,
  parseVirtualUri,
  safeFileName,
  schemaSubject,
  SearchHit,
  toPickItems,
} from '../logic/search';

function hit(over: Partial<SearchHit>): SearchHit {
  return {
    rank: 1,
    id: 'value:Deployment.strategy=RollingUpdate@builtin:workloads/deployment.md:20',
    type: 'entry',
    source: 'builtin',
    title: 'Deployment › strategy › RollingUpdate',
    breadcrumb: 'Deployment › Fields',
    path: 'builtin:workloads/deployment.md',
    line: 20,
    kinds: ['Deployment'],
    score: 12.3,
    snippet: 'the default:   new Pods\nreplace old ones a few at a time',
    highlights: [[0, 7]],
    ...over,
  };
}

describe('answers and did you mean', () => {
  it('puts the answer first with its summary as the detail', () => {
    const answered = hit({ id: 'field:CronJob.concurrencyPolicy@builtin:workloads/cronjob.md:17', title: 'CronJob › concurrencyPolicy' });
    const result = parseSearchResult({
      query: 'concurrencyPolicy',
      results: [hit({ id: 'other' }), answered],
      answer: {
        rank: 2,
        id: answered.id,
        title: 'CronJob › concurrencyPolicy',
        subject: 'CronJob › concurrencyPolicy',
        kind: 'CronJob',
        field: 'concurrencyPolicy',
        summary: 'Allowed values: Allow, Forbid, Replace. What happens when a run is still going.',
        values: ['Allow', 'Forbid', 'Replace'],
      },
      did_you_mean: [],
    });
    const items = toPickItems(result);
    assert.equal(items[0].label, '$(lightbulb) Answer: CronJob › concurrencyPolicy');
    assert.equal(items[0].detail, 'Allowed values: Allow, Forbid, Replace. What happens when a run is still going.');
    assert.equal(items[0].hit.id, answered.id);
    assert.equal(items[1].hit.id, 'other');
  });

  it('reads answers from older servers as none', () => {
    const result = parseSearchResult({ query: 'q', results: [hit({})] });
    assert.equal(result.answer, null);
    assert.deepEqual(result.did_you_mean, []);
    assert.equal(toPickItems(result)[0].label, '$(symbol-field) Deployment › strategy › RollingUpdate');
    assert.equal(parseSearchResult({ query: 'q', results: [], answer: 'junk', did_you_mean: [1, 'x'] }).did_you_mean?.[0], 'x');
  });

  it('offers the server’s guesses when nothing is found', () => {
    const result = parseSearchResult({ query: 'nmespce', results: [], answer: null, did_you_mean: ['namespace'] });
    assert.equal(nothingFoundMessage('nmespce', result), 'kref: nothing found for “nmespce”. Did you mean “namespace”?');
    assert.equal(nothingFoundMessage('x', parseSearchResult({ query: 'x', results: [] })), 'kref: nothing found for “x”.');
  });
});

describe('toPickItems', () => {
  it('turns hits into items with the snippet as detail', () => {
    const [item] = toPickItems({ query: 'rolling update', results: [hit({})] });
    assert.equal(item.label, '$(symbol-field) Deployment › strategy › RollingUpdate');
    assert.equal(item.description, 'Deployment › Fields — built-in · workloads/deployment.md');
    assert.equal(item.detail, 'the default: new Pods replace old ones a few at a time');
    assert.equal(item.hit.id, hit({}).id);
  });

  it('shows user notes by file and line, and icons per type', () => {
    const items = toPickItems({
      query: 'q',
      results: [
        hit({ type: 'section', source: 'user', path: '/home/ada/notes/quota.md', line: 12, breadcrumb: '' }),
        hit({ type: 'schema' }),
        hit({ type: 'other' }),
      ],
    });
    assert.equal(items[0].label.startsWith('$(book) '), true);
    assert.equal(items[0].description, 'notes · quota.md:12');
    assert.equal(items[1].label.startsWith('$(symbol-structure) '), true);
    assert.equal(items[2].label.startsWith('$(note) '), true);
  });

  it('keeps the order the server ranked', () => {
    const items = toPickItems({ query: 'q', results: [hit({ id: 'a', rank: 1 }), hit({ id: 'b', rank: 2 })] });
    assert.deepEqual(items.map((i) => i.hit.id), ['a', 'b']);
  });
});

describe('parseSearchResult', () => {
  it('accepts the contract shape and drops malformed hits', () => {
    const parsed = parseSearchResult({ query: 'x', results: [hit({}), { nope: 1 }, null] });
    assert.equal(parsed.results.length, 1);
    assert.deepEqual(parseSearchResult(null), { query: '', results: [] });
    assert.throws(() => parseSearchResult({ hits: [] }), /not a search result/);
  });
});

describe('parseQueryInput', () => {
  it('splits filters from words', () => {
    assert.deepEqual(parseQueryInput('nightly kind:CronJob source:user limit:5'), {
      query: 'nightly',
      limit: 5,
      kind: 'CronJob',
      source: 'user',
    });
    assert.deepEqual(parseQueryInput('  rolling   update '), { query: 'rolling update', limit: 50 });
  });

  it('keeps unknown filters as words and refuses an empty query', () => {
    assert.equal(parseQueryInput('source:elsewhere pods')?.query, 'source:elsewhere pods');
    assert.equal(parseQueryInput('kind:Pod'), undefined);
    assert.equal(parseQueryInput('   '), undefined);
  });
});

describe('noteTarget', () => {
  it('opens user notes as files at a 0-based line', () => {
    assert.deepEqual(noteTarget(hit({ source: 'user', path: '/n/a.md', line: 12 })), { kind: 'file', path: '/n/a.md', line: 11 });
    assert.deepEqual(noteTarget(hit({ source: 'user', path: '/n/a.md', line: 0 })), { kind: 'file', path: '/n/a.md', line: 0 });
  });

  it('opens built-in notes by id', () => {
    const h = hit({});
    assert.deepEqual(noteTarget(h), { kind: 'builtin', id: h.id, title: h.title });
  });

  it('opens schema results (and anything that is not an absolute path) by id', () => {
    const h = hit({ type: 'schema', id: 'schema:field:Deployment.spec.strategy', path: 'schema:builtin', line: 0 });
    assert.deepEqual(noteTarget(h), { kind: 'builtin', id: h.id, title: h.title });
    assert.equal(noteTarget(hit({ path: 'notes/relative.md' })).kind, 'builtin');
  });

  it('knows absolute paths on every platform', () => {
    assert.equal(isRealPath('/home/a/n.md'), true);
    assert.equal(isRealPath('C:\\notes\\n.md'), true);
    assert.equal(isRealPath('c:/notes/n.md'), true);
    assert.equal(isRealPath('\\\\server\\share\\n.md'), true);
    assert.equal(isRealPath('builtin:workloads/pod.md'), false);
    assert.equal(isRealPath('schema:builtin'), false);
    assert.equal(isRealPath(undefined), false);
  });
});

describe('virtual documents', () => {
  it('round-trips a note id with awkward characters', () => {
    const id = 'value:Deployment.strategy=RollingUpdate@builtin:workloads/deployment.md:20&x=#?';
    const uri = noteUri(id, 'Deployment › strategy');
    assert.equal(uri.scheme, 'kref');
    assert.equal(uri.path, '/notes/Deployment - strategy.md');
    assert.deepEqual(parseVirtualUri(uri.path, uri.query), { kind: 'note', id });
  });

  it("opens the rule note a diagnostic's codeDescription links to", () => {
    // The server sends kref:/notes/<rule>.md?id=builtin%3Arules%2F<rule>.md; VS Code hands the
    // provider the query decoded, a hand-built URI may keep it encoded.
    const id = 'builtin:rules/invalid-enum.md';
    for (const query of [`id=${id}`, 'id=builtin%3Arules%2Finvalid-enum.md']) {
      assert.deepEqual(parseVirtualUri('/notes/invalid-enum.md', query), { kind: 'note', id });
    }
  });

  it('names explanations by field path and keeps them apart', () => {
    const a = explainUri('Deployment.spec.strategy', 1);
    const b = explainUri('Deployment.spec.strategy', 2);
    assert.equal(a.path, '/explain/Deployment.spec.strategy.md');
    assert.notDeepEqual(parseVirtualUri(a.path, a.query), parseVirtualUri(b.path, b.query));
    assert.deepEqual(parseVirtualUri('/other', ''), { kind: 'unknown' });
    assert.deepEqual(parseVirtualUri('/notes/x.md', ''), { kind: 'unknown' });
  });

  it('makes safe file names', () => {
    assert.equal(safeFileName('Pod › spec / containers: [*]'), 'Pod - spec containers');
    assert.equal(safeFileName('///'), 'note');
    assert.equal(safeFileName('x'.repeat(200)).length, 80);
  });

  it('renders a built-in note with its origin', () => {
    const md = noteMarkdown({
      id: 'i',
      title: 'Rolling updates',
      breadcrumb: 'Deployment',
      source: 'builtin',
      path: 'builtin:workloads/deployment.md',
      line_start: 18,
      line_end: 40,
      kinds: ['Deployment'],
      markdown: 'New Pods replace old ones.\n',
    });
    assert.match(md, /^# Rolling updates\n\nNew Pods replace old ones\.\n/);
    assert.match(md, /built-in note `workloads\/deployment\.md`, lines 18–40/);
    const withHeading = noteMarkdown({ ...JSON.parse('{}'), title: 't', breadcrumb: '', path: '/n/a.md', line_start: 1, line_end: 2, markdown: '## Own heading\ntext' });
    assert.match(withHeading, /^## Own heading\ntext\n/);
  });
});

describe('schema results', () => {
  const schemaHit = hit({
    type: 'schema',
    id: 'schema:field:Deployment.spec.strategy.rollingUpdate',
    title: 'Deployment.spec.strategy.rollingUpdate',
    breadcrumb: 'Deployment › RollingUpdateDeployment',
    path: 'schema:builtin',
    line: 0,
    snippet: 'Rolling update config params.',
  });

  it('names their subject', () => {
    assert.equal(schemaSubject(schemaHit.id), 'Deployment.spec.strategy.rollingUpdate');
    assert.equal(schemaSubject('section:x'), undefined);
  });

  it('are described from the search result', () => {
    const md = hitMarkdown(schemaHit);
    assert.match(md, /^# Deployment\.spec\.strategy\.rollingUpdate\n\n\*Deployment › RollingUpdateDeployment\*\n\nRolling update config params\./);
    assert.match(md, /`kref explain Deployment\.spec\.strategy\.rollingUpdate`/);
    assert.match(hitMarkdown(hit({ id: 'odd' })), /id `odd`/);
  });

  it('say where they come from in the quick pick', () => {
    assert.equal(toPickItems({ query: 'q', results: [schemaHit] })[0].description, 'Deployment › RollingUpdateDeployment — Kubernetes API schema');
  });
});

describe('text helpers', () => {
  it('shortens long snippets at a word', () => {
    const text = 'word '.repeat(100);
    const short = oneLine(text, 50);
    assert.equal(short.endsWith('…'), true);
    assert.equal(short.length <= 51, true);
    assert.equal(hitOrigin(hit({ path: 'C:\\notes\\q.md', line: 3, source: 'user' })), 'notes · q.md:3');
  });
});

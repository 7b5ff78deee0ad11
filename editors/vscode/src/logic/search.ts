// The shapes of `kref/search`, `kref/show` and `kref/explain` results, and how they become
// quick-pick items, locations to open and virtual documents. No `vscode` import here. The shapes
// are the server's views (`server/ide/src/views/`); `test/views.test.ts` checks these
// declarations against JSON the Rust views write, so a field added or renamed on either side fails.

/** One result of `kref/search` (the same JSON as `kref search --json`). */
export interface SearchHit {
  rank: number;
  id: string;
  type: 'section' | 'entry' | 'schema' | string;
  source: 'builtin' | 'user' | string;
  title: string;
  breadcrumb: string;
  /** A real file path (user notes) or `builtin:<rel path>` (the embedded corpus). */
  path: string;
  /** 1-based line. */
  line: number;
  kinds: string[];
  score: number;
  snippet: string;
  /** Byte ranges in `snippet`. */
  highlights: [number, number][];
  /** The first sentence of the result's text (servers before issue 17 leave it out). */
  summary?: string;
  /** The allowed values of a schema field. */
  values?: string[];
}

/** The best result when the top results agree on one kind or field. */
export interface SearchAnswer {
  rank: number;
  id: string;
  title: string;
  subject: string;
  kind: string;
  field: string | null;
  /** One line: the field's allowed values and the first sentence of its text. */
  summary: string;
  values: string[];
}

export interface SearchResult {
  query: string;
  results: SearchHit[];
  /** `null` (or missing, from older servers) when the top results do not agree. */
  answer?: SearchAnswer | null;
  /** Other queries that find something, when this one found nothing. */
  did_you_mean?: string[];
}

/** The result of `kref/show`. */
export interface ShowResult {
  id: string;
  title: string;
  breadcrumb: string;
  source: string;
  path: string;
  line_start: number;
  line_end: number;
  kinds: string[];
  markdown: string;
}

/** The result of `kref/explain`. */
export interface ExplainResult {
  path: string;
  markdown: string;
}

/** Params of `kref/search`. */
export interface SearchParams {
  query: string;
  limit?: number;
  kind?: string;
  source?: 'builtin' | 'user';
}

export const BUILTIN_PREFIX = 'builtin:';

/** Checks the shape of a `kref/search` answer, so a wrong server gives a message, not a crash. */
export function parseSearchResult(value: unknown): SearchResult {
  if (value === null || value === undefined) {
    return { query: '', results: [] };
  }
  const v = value as Partial<SearchResult>;
  if (typeof v !== 'object' || !Array.isArray(v.results)) {
    throw new Error('kref/search returned something that is not a search result');
  }
  const results = v.results.filter(
    (h): h is SearchHit =>
      typeof h === 'object' && h !== null && typeof h.id === 'string' && typeof h.title === 'string',
  );
  const a = v.answer;
  const answer =
    typeof a === 'object' && a !== null && typeof a.id === 'string' && typeof a.summary === 'string' ? a : null;
  const didYouMean = Array.isArray(v.did_you_mean)
    ? v.did_you_mean.filter((s): s is string => typeof s === 'string')
    : [];
  return { query: typeof v.query === 'string' ? v.query : '', results, answer, did_you_mean: didYouMean };
}

/** Parses a search-box input: `kind:CronJob`, `source:user` and `limit:N` tokens become params. */
export function parseQueryInput(input: string, defaultLimit = 50): SearchParams | undefined {
  const params: SearchParams = { query: '', limit: defaultLimit };
  const words: string[] = [];
  for (const token of input.trim().split(/\s+/)) {
    const m = /^(kind|source|limit):(\S+)$/.exec(token);
    if (m && m[1] === 'kind') {
      params.kind = m[2];
    } else if (m && m[1] === 'source' && (m[2] === 'builtin' || m[2] === 'user')) {
      params.source = m[2];
    } else if (m && m[1] === 'limit' && /^\d+$/.test(m[2]) && Number(m[2]) > 0) {
      params.limit = Number(m[2]);
    } else if (token !== '') {
      words.push(token);
    }
  }
  params.query = words.join(' ');
  return params.query === '' ? undefined : params;
}

const TYPE_ICONS: Record<string, string> = {
  section: '$(book)',
  entry: '$(symbol-field)',
  schema: '$(symbol-structure)',
};

/** Collapses whitespace and cuts long text at a word boundary. */
export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) {
    return flat;
  }
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return (space > max * 0.6 ? cut.slice(0, space) : cut) + '…';
}

/** A file name for messages: the last path component. */
function baseName(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] || p;
}

/**
 * True for an absolute file path (`/…`, `C:\…`, `\\server\…`), as user notes have. Built-in notes
 * have `builtin:<rel path>`, schema results `schema:builtin` and the like: those are opened
 * through `kref/show`.
 */
export function isRealPath(path: unknown): boolean {
  return typeof path === 'string' && (/^\//.test(path) || /^[A-Za-z]:[\\/]/.test(path) || /^\\\\/.test(path));
}

/** The field or kind a schema result is about: `schema:field:Deployment.spec.strategy` → `Deployment.spec.strategy`. */
export function schemaSubject(id: string): string | undefined {
  return /^schema:[A-Za-z]+:(.+)$/.exec(id)?.[1];
}

/** Where a hit is shown, in words: `built-in · workloads/deployment.md`, `schema` or `notes · quota.md:12`. */
export function hitOrigin(hit: SearchHit): string {
  if (isRealPath(hit.path)) {
    return `notes · ${baseName(hit.path)}:${hit.line}`;
  }
  if (hit.path.startsWith(BUILTIN_PREFIX)) {
    return `built-in · ${hit.path.slice(BUILTIN_PREFIX.length)}`;
  }
  return hit.type === 'schema' ? 'Kubernetes API schema' : `kref · ${hit.path}`;
}

export interface SearchPickItem {
  label: string;
  description: string;
  detail: string;
  hit: SearchHit;
}

/**
 * Quick-pick items: the title (with an icon per type), where it comes from, and the snippet. The
 * answer, when the server gives one, comes first with its one-line summary as the detail.
 */
export function toPickItems(result: SearchResult): SearchPickItem[] {
  const answer = result.answer ?? null;
  const items = result.results.map((hit) => {
    const icon = TYPE_ICONS[hit.type] ?? '$(note)';
    const crumb = hit.breadcrumb && hit.breadcrumb !== hit.title ? `${hit.breadcrumb} — ` : '';
    if (answer && answer.id === hit.id) {
      return {
        label: `$(lightbulb) Answer: ${answer.title}`,
        description: hitOrigin(hit),
        detail: oneLine(answer.summary),
        hit,
      };
    }
    return {
      label: `${icon} ${hit.title}`,
      description: `${crumb}${hitOrigin(hit)}`,
      detail: oneLine(hit.snippet ?? ''),
      hit,
    };
  });
  const first = items.findIndex((i) => answer !== null && i.hit.id === answer.id);
  if (first > 0) {
    items.unshift(...items.splice(first, 1));
  }
  return items;
}

/** The message for a search that found nothing, with the server's "did you mean" if any. */
export function nothingFoundMessage(query: string, result: SearchResult): string {
  const guesses = result.did_you_mean ?? [];
  const more = guesses.length > 0 ? ` Did you mean ${guesses.map((g) => `“${g}”`).join(' or ')}?` : '';
  return `kref: nothing found for “${query}”.${more}`;
}

/** How to open a hit: a real file at a 0-based line, or a built-in note by id. */
export type NoteTarget = { kind: 'file'; path: string; line: number } | { kind: 'builtin'; id: string; title: string };

export function noteTarget(hit: Pick<SearchHit, 'id' | 'path' | 'line' | 'title' | 'source'>): NoteTarget {
  if (!isRealPath(hit.path)) {
    return { kind: 'builtin', id: hit.id, title: hit.title };
  }
  return { kind: 'file', path: hit.path, line: Math.max(0, (hit.line || 1) - 1) };
}

/** The URI scheme of kref's read-only virtual documents. */
export const SCHEME = 'kref';

/** Components of a virtual-document URI (the extension builds a `vscode.Uri` from them). */
export interface VirtualUriParts {
  scheme: string;
  path: string;
  query: string;
}

/** A file-name-safe form of a title, so the editor tab reads like the note. */
export function safeFileName(title: string): string {
  const name = title
    .replace(/[›>]/g, '-')
    .replace(/[^\p{L}\p{N}._ -]+/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 80);
  return name === '' ? 'note' : name;
}

/** `kref:/notes/<title>.md?id=<id>`: a built-in note, fetched with `kref/show` when opened. */
export function noteUri(id: string, title: string): VirtualUriParts {
  return { scheme: SCHEME, path: `/notes/${safeFileName(title)}.md`, query: `id=${encodeURIComponent(id)}` };
}

/** `kref:/explain/<field path>.md?n=<n>`: an explanation whose text the extension keeps. */
export function explainUri(fieldPath: string, n: number): VirtualUriParts {
  return { scheme: SCHEME, path: `/explain/${safeFileName(fieldPath)}.md`, query: `n=${n}` };
}

/** What a virtual-document URI stands for. */
export type VirtualDoc = { kind: 'note'; id: string } | { kind: 'explain'; key: string } | { kind: 'unknown' };

export function parseVirtualUri(path: string, query: string): VirtualDoc {
  const params = new URLSearchParams(query);
  if (path.startsWith('/notes/')) {
    const id = params.get('id');
    return id ? { kind: 'note', id } : { kind: 'unknown' };
  }
  if (path.startsWith('/explain/')) {
    return { kind: 'explain', key: `${path}?${query}` };
  }
  return { kind: 'unknown' };
}

/**
 * The Markdown shown for a built-in note: the section itself (with its title as a heading when it
 * has none), then a line saying where it comes from.
 */
export function noteMarkdown(show: ShowResult): string {
  const lines: string[] = [];
  const body = (show.markdown ?? '').trim();
  if (!/^#{1,6}\s/.test(body)) {
    lines.push(`# ${show.title}`, '');
  }
  lines.push(body, '', '---', '');
  const where = show.path.startsWith(BUILTIN_PREFIX) ? `built-in note \`${show.path.slice(BUILTIN_PREFIX.length)}\`` : `\`${show.path}\``;
  const crumb = show.breadcrumb ? `${show.breadcrumb}; ` : '';
  lines.push(`*${crumb}${where}, lines ${show.line_start}–${show.line_end} (read-only, from kref)*`, '');
  return lines.join('\n');
}

/**
 * The Markdown shown for a result that `kref/show` has no section for (schema results): what the
 * search said, and where to read more.
 */
export function hitMarkdown(hit: SearchHit): string {
  const lines = [`# ${hit.title || hit.id}`, ''];
  if (hit.breadcrumb && hit.breadcrumb !== hit.title) {
    lines.push(`*${hit.breadcrumb}*`, '');
  }
  if (hit.snippet) {
    lines.push(hit.snippet.trim(), '');
  }
  lines.push('---', '');
  const subject = schemaSubject(hit.id);
  if (subject) {
    lines.push(
      `From the Kubernetes API schema. The whole field: \`kref explain ${subject}\` in a terminal, or *kref: Explain field at cursor* on the field in a manifest.`,
    );
  } else {
    lines.push(`kref has no note text for this result (id \`${hit.id}\`).`);
  }
  lines.push('');
  return lines.join('\n');
}

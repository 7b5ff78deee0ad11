// Turning the `kref.*` settings into what the server expects: initializationOptions at start,
// and `workspace/didChangeConfiguration` params (`{settings: {kref: ...}}`) afterwards.

import { expandPath, PathContext } from './paths';

/** The `kref.*` settings as VS Code returns them (any value may be missing or of a wrong type). */
export interface RawSettings {
  path?: unknown;
  notes?: unknown;
  schemas?: unknown;
  kubernetesVersion?: unknown;
  rules?: unknown;
  inlayHints?: unknown;
}

/** Which inlay hints the server sends (each kind on unless switched off). */
export interface HintOptions {
  secretData?: boolean;
  defaults?: boolean;
  quantities?: boolean;
}

/** Rule settings, as `rules:` in `.kref.yaml`; the server applies them over the files'. */
export interface RuleOptions {
  profile?: string;
  enable?: string[];
  disable?: string[];
  severity?: Record<string, string>;
}

/** The server's initializationOptions (also the `kref` object of didChangeConfiguration). */
export interface ServerOptions {
  notes: string[];
  schemas: string[];
  kubernetesVersion?: string;
  rules?: RuleOptions;
  inlayHints?: HintOptions;
}

function stringList(value: unknown): string[] {
  if (typeof value === 'string') {
    return value.trim() === '' ? [] : [value];
  }
  if (!Array.isArray(value)) {
    return [];
  }
  return value.filter((v): v is string => typeof v === 'string' && v.trim() !== '');
}

/**
 * Normalises a Kubernetes version to `MAJOR.MINOR`: `v1.33`, `1.33` and `1.33.2` all give `1.33`.
 * Returns undefined for an empty or unrecognised value, so the server uses its default.
 */
export function normalizeKubernetesVersion(value: unknown): string | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  const m = /^\s*v?(\d+)\.(\d+)(?:\.\d+)?\s*$/.exec(value);
  return m ? `${Number(m[1])}.${Number(m[2])}` : undefined;
}

/**
 * The `kref.rules` setting with only the parts the server understands (a profile name, lists of
 * rule ids, a map of rule id to severity); undefined when nothing is left.
 */
export function ruleOptions(value: unknown): RuleOptions | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return undefined;
  }
  const raw = value as Record<string, unknown>;
  const out: RuleOptions = {};
  if (typeof raw.profile === 'string' && raw.profile.trim() !== '') {
    out.profile = raw.profile.trim();
  }
  for (const key of ['enable', 'disable'] as const) {
    const ids = stringList(raw[key]);
    if (ids.length > 0) {
      out[key] = ids;
    }
  }
  if (typeof raw.severity === 'object' && raw.severity !== null && !Array.isArray(raw.severity)) {
    const entries = Object.entries(raw.severity as Record<string, unknown>).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    );
    if (entries.length > 0) {
      out.severity = Object.fromEntries(entries);
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The `kref.inlayHints.*` switches that are off (VS Code gives them as one object); undefined
 * when every kind is on, the server's default.
 */
export function hintOptions(value: unknown): HintOptions | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return undefined;
  }
  const raw = value as Record<string, unknown>;
  const out: HintOptions = {};
  for (const key of ['secretData', 'defaults', 'quantities'] as const) {
    if (raw[key] === false) {
      out[key] = false;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Expands note and schema paths (`~`, `${workspaceFolder}`, relative paths) and drops duplicates. */
export function toServerOptions(raw: RawSettings, ctx: PathContext): ServerOptions {
  const expandAll = (value: unknown) => [...new Set(stringList(value).map((p) => expandPath(p, ctx)))];
  const options: ServerOptions = {
    notes: expandAll(raw.notes),
    schemas: expandAll(raw.schemas),
  };
  const version = normalizeKubernetesVersion(raw.kubernetesVersion);
  if (version !== undefined) {
    options.kubernetesVersion = version;
  }
  const rules = ruleOptions(raw.rules);
  if (rules !== undefined) {
    options.rules = rules;
  }
  const hints = hintOptions(raw.inlayHints);
  if (hints !== undefined) {
    options.inlayHints = hints;
  }
  return options;
}

/** The params of `workspace/didChangeConfiguration`. */
export function didChangeConfigurationParams(options: ServerOptions): { settings: { kref: ServerOptions } } {
  return { settings: { kref: options } };
}

/** What a settings change asks of the client. */
export type SettingsReaction = 'restart' | 'notify' | 'none';

/**
 * Decides how to react to a configuration change. `affects` is
 * `ConfigurationChangeEvent.affectsConfiguration`. A new binary needs a restart; notes, schemas
 * and the version are sent to the running server; `kref.trace.server` is handled by the language
 * client itself. Rule settings and inlay hint switches are sent too.
 */
export function reactionTo(affects: (section: string) => boolean): SettingsReaction {
  if (affects('kref.path')) {
    return 'restart';
  }
  if (
    affects('kref.notes') ||
    affects('kref.schemas') ||
    affects('kref.kubernetesVersion') ||
    affects('kref.rules') ||
    affects('kref.inlayHints')
  ) {
    return 'notify';
  }
  return 'none';
}

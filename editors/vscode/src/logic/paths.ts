// Finding the `kref` binary and expanding the paths users write in settings.
// Pure functions: file-system checks are passed in, so tests need no real files.

import * as path from 'path';

/** What a path in the settings may refer to. */
export interface PathContext {
  /** The user's home folder, for `~` and `${userHome}`. */
  homeDir: string;
  /** The first workspace folder, for `${workspaceFolder}` and relative paths; none when no folder is open. */
  workspaceFolder?: string;
  platform: NodeJS.Platform;
}

function pathModule(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/**
 * Expands `~`, `${userHome}` and `${workspaceFolder}`, and makes a relative path absolute from the
 * workspace folder (left relative when there is none). Returns '' for a blank input.
 */
export function expandPath(input: string, ctx: PathContext): string {
  const p = pathModule(ctx.platform);
  let value = input.trim();
  if (value === '') {
    return '';
  }
  value = value.replace(/\$\{userHome\}/g, ctx.homeDir);
  if (ctx.workspaceFolder !== undefined) {
    value = value.replace(/\$\{workspaceFolder\}/g, ctx.workspaceFolder);
  }
  if (value === '~') {
    value = ctx.homeDir;
  } else if (value.startsWith('~/') || (ctx.platform === 'win32' && value.startsWith('~\\'))) {
    value = p.join(ctx.homeDir, value.slice(2));
  }
  if (!p.isAbsolute(value) && ctx.workspaceFolder !== undefined) {
    value = p.join(ctx.workspaceFolder, value);
  }
  return value;
}

/** Where the server command came from, for messages. */
export type ServerSource = 'setting' | 'bundled' | 'path';

export interface ServerCommand {
  command: string;
  source: ServerSource;
}

export interface ServerLookup extends PathContext {
  /** The `kref.path` setting, possibly empty. */
  configuredPath: string;
  /** The extension's install folder. */
  extensionPath: string;
  arch: string;
  /** True when `file` exists and is a file. */
  isFile(file: string): boolean;
}

function executableName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'kref.exe' : 'kref';
}

/** The binaries a packaged extension may carry, most specific first. */
export function bundledCandidates(extensionPath: string, platform: NodeJS.Platform, arch: string): string[] {
  const p = pathModule(platform);
  const exe = executableName(platform);
  return [p.join(extensionPath, 'bin', `${platform}-${arch}`, exe), p.join(extensionPath, 'bin', exe)];
}

/**
 * The command that starts the server: `kref.path` when set, else a binary bundled under the
 * extension's `bin/` (`bin/<platform>-<arch>/kref` or `bin/kref`), else plain `kref` (looked up on
 * `PATH` when spawned).
 *
 * A configured value without any path separator (`kref-nightly`) is a command name for `PATH`, not
 * a file relative to the workspace.
 */
export function resolveServerCommand(lookup: ServerLookup): ServerCommand {
  const configured = lookup.configuredPath.trim();
  if (configured !== '') {
    const bare = !/[\\/]/.test(configured) && !configured.startsWith('~') && !configured.includes('${');
    return { command: bare ? configured : expandPath(configured, lookup), source: 'setting' };
  }
  for (const candidate of bundledCandidates(lookup.extensionPath, lookup.platform, lookup.arch)) {
    if (lookup.isFile(candidate)) {
      return { command: candidate, source: 'bundled' };
    }
  }
  return { command: executableName(lookup.platform), source: 'path' };
}

/**
 * Finds a bare command name on `PATH` the way a shell would, so that a missing binary can be
 * reported with a useful message before anything is spawned. Returns the full path, or undefined.
 * A command that already contains a separator is returned as is when it is a file.
 */
export function findExecutable(
  command: string,
  env: { PATH?: string; PATHEXT?: string },
  platform: NodeJS.Platform,
  isFile: (file: string) => boolean,
): string | undefined {
  const p = pathModule(platform);
  if (/[\\/]/.test(command)) {
    return isFile(command) ? command : undefined;
  }
  const dirs = (env.PATH ?? '').split(platform === 'win32' ? ';' : ':').filter((d) => d !== '');
  const exts =
    platform === 'win32' && p.extname(command) === ''
      ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter((e) => e !== '')
      : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = p.join(dir, command + ext.toLowerCase());
      if (isFile(candidate)) {
        return candidate;
      }
      if (ext !== '' && isFile(p.join(dir, command + ext))) {
        return p.join(dir, command + ext);
      }
    }
  }
  return undefined;
}

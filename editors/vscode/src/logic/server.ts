// Starting the server safely: asking the binary for its version before it is trusted with the
// protocol, deciding whether a crashed server is restarted, and the notification text for each
// way a start can fail (what was tried, what it said, and what to do). No `vscode` import: the
// tests run these with plain node against small scripts that stand in for kref.

import { execFile } from 'child_process';

import { ServerSource } from './paths';

/** The oldest `kref` this extension works with: raise it when the extension needs a newer server. */
export const MIN_SERVER_VERSION = '0.1.0';

/** The arguments the extension starts the server with (`kref lsp --stdio`). */
export const LSP_ARGS = ['lsp', '--stdio'];

/** How long `kref --version` may take before the binary is judged to hang. */
export const VERSION_TIMEOUT_MS = 10_000;

/** The binary that was tried, and where its name came from. */
export interface Tried {
  /** The full path that was run (or the bare name that was looked for on PATH). */
  binary: string;
  source: ServerSource;
}

/** Why the server is not running. */
export type StartFailure =
  | { kind: 'missing' }
  | { kind: 'not-executable'; reason: string }
  | { kind: 'version-failed'; code: number | null; signal: string | null; stderr: string }
  | { kind: 'version-timeout' }
  | { kind: 'not-kref'; output: string }
  | { kind: 'too-old'; version: string }
  | { kind: 'exited'; code: number | null; signal: string | null; stderr: string }
  | { kind: 'start-error'; error: string; stderr: string }
  | { kind: 'crashed'; times: number; code: number | null; signal: string | null; stderr: string };

/** What `kref --version` told. */
export type Probe = { kind: 'ok'; version: string } | StartFailure;

/** `kref 0.1.0` → `0.1.0`; undefined when the output is not kref's. */
export function parseVersion(stdout: string): string | undefined {
  const match = /^kref (\d+\.\d+\.\d+)(?:[-+][0-9A-Za-z.-]+)?\s*$/m.exec(stdout);
  return match ? match[1] : undefined;
}

/** Compares two `x.y.z` versions: negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => parseInt(n, 10) || 0);
  const pb = b.split('.').map((n) => parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) {
      return d;
    }
  }
  return 0;
}

/** The outcome of `kref --version`, from what the process did. */
export function classifyVersionRun(run: {
  errorCode?: string;
  errorMessage?: string;
  timedOut: boolean;
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}): Probe {
  if (run.errorCode === 'ENOENT') {
    return { kind: 'missing' };
  }
  if (run.errorCode === 'EACCES' || run.errorCode === 'ENOEXEC' || run.errorCode === 'EISDIR') {
    return { kind: 'not-executable', reason: run.errorMessage ?? run.errorCode };
  }
  if (run.timedOut) {
    return { kind: 'version-timeout' };
  }
  if (run.code !== 0) {
    return { kind: 'version-failed', code: run.code, signal: run.signal, stderr: run.stderr };
  }
  const version = parseVersion(run.stdout);
  if (version === undefined) {
    return { kind: 'not-kref', output: run.stdout.trim() || run.stderr.trim() };
  }
  if (compareVersions(version, MIN_SERVER_VERSION) < 0) {
    return { kind: 'too-old', version };
  }
  return { kind: 'ok', version };
}

/** Runs `binary --version` and says whether it is a kref this extension can use. */
export function probeServer(
  binary: string,
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<Probe> {
  return new Promise((resolve) => {
    execFile(
      binary,
      ['--version'],
      {
        env: options.env,
        cwd: options.cwd,
        timeout: options.timeoutMs ?? VERSION_TIMEOUT_MS,
        killSignal: 'SIGKILL',
        windowsHide: true,
        maxBuffer: 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const err = error as (NodeJS.ErrnoException & { killed?: boolean; signal?: string | null }) | null;
        // execFile's error carries the exit status as a number in `code`, or a system error name.
        const systemCode = typeof err?.code === 'string' ? err.code : undefined;
        const exitCode = err === null ? 0 : typeof err.code === 'number' ? (err.code as number) : null;
        resolve(
          classifyVersionRun({
            errorCode: systemCode,
            errorMessage: err?.message,
            timedOut: err?.killed === true && systemCode === undefined && exitCode === null,
            code: exitCode,
            signal: err?.signal ?? null,
            stdout: String(stdout),
            stderr: String(stderr),
          }),
        );
      },
    );
  });
}

/** The last lines of a process's standard error, kept as it runs (bounded). */
export class StderrTail {
  private text = '';
  constructor(private readonly maxChars = 8192) {}

  add(chunk: string): void {
    this.text += chunk;
    if (this.text.length > this.maxChars) {
      this.text = this.text.slice(this.text.length - this.maxChars);
    }
  }

  /** The last `lines` non-empty lines, at most `chars` characters. */
  last(lines = 6, chars = 600): string {
    const kept = this.text
      .split(/\r?\n/)
      .map((l) => l.trimEnd())
      .filter((l) => l !== '')
      .slice(-lines)
      .join('\n');
    return kept.length > chars ? '…' + kept.slice(kept.length - chars) : kept;
  }
}

/**
 * Decides whether a server that stopped while running is started again: yes, unless it stopped
 * `maxRestarts + 1` times within `windowMs` (vscode-languageclient's rule: 4 restarts in 3 minutes).
 */
export class CrashCounter {
  private readonly times: number[] = [];
  constructor(
    private readonly maxRestarts = 4,
    private readonly windowMs = 3 * 60 * 1000,
  ) {}

  /** Records a crash at `now` (ms); 'restart' or 'give-up'. */
  record(now: number): 'restart' | 'give-up' {
    this.times.push(now);
    while (this.times.length > 0 && now - this.times[0] > this.windowMs) {
      this.times.shift();
    }
    return this.times.length > this.maxRestarts ? 'give-up' : 'restart';
  }

  /** Crashes within the window. */
  get count(): number {
    return this.times.length;
  }
}

function exitText(code: number | null, signal: string | null): string {
  if (signal) {
    return `killed by ${signal}`;
  }
  return code === null ? 'exited' : `exit code ${code}`;
}

function said(stderr: string): string {
  const text = stderr.trim();
  return text === '' ? ' It printed nothing on standard error.' : ` It said:\n${text}`;
}

const INSTALL = 'Install it (cargo install --path . in the kref repository)';

/** Which buttons a failure notification offers. */
export type Action = 'Restart Server' | 'Open Settings' | 'Show Output';

/** The notification for a failure: one message that names the binary, quotes it, and says what to do. */
export function failureMessage(failure: StartFailure, tried: Tried): { message: string; actions: Action[] } {
  const where = tried.source === 'setting' ? ' (from the kref.path setting)' : tried.source === 'bundled' ? ' (bundled with the extension)' : '';
  const bin = `"${tried.binary}"${where}`;
  const fixPath =
    tried.source === 'setting'
      ? 'Fix kref.path, or clear it to use kref from PATH.'
      : `${INSTALL}, or set kref.path to the binary.`;
  switch (failure.kind) {
    case 'missing':
      return {
        message:
          tried.source === 'path'
            ? `kref: the language server "${tried.binary}" was not found on PATH. ${INSTALL} or set kref.path to the binary, then run "kref: Restart server".`
            : `kref: ${bin} does not exist. ${fixPath}`,
        actions: ['Open Settings', 'Show Output'],
      };
    case 'not-executable':
      return {
        message: `kref: ${bin} cannot be run (${failure.reason}). Make it executable (chmod +x), or point kref.path at the kref binary.`,
        actions: ['Open Settings', 'Show Output'],
      };
    case 'version-timeout':
      return {
        message: `kref: ${bin} did not answer "--version" within ${VERSION_TIMEOUT_MS / 1000} s, so it was not started. ${fixPath}`,
        actions: ['Restart Server', 'Open Settings', 'Show Output'],
      };
    case 'version-failed':
      return {
        message: `kref: ${bin} failed to start: "--version" ended with ${exitText(failure.code, failure.signal)}.${said(failure.stderr)}\n${fixPath}`,
        actions: ['Restart Server', 'Open Settings', 'Show Output'],
      };
    case 'not-kref':
      return {
        message: `kref: ${bin} is not kref: "--version" printed ${JSON.stringify(failure.output.slice(0, 200))}. ${fixPath}`,
        actions: ['Open Settings', 'Show Output'],
      };
    case 'too-old':
      return {
        message: `kref: ${bin} is kref ${failure.version}, older than ${MIN_SERVER_VERSION}, which this extension needs. Update it (cargo install --path . in an up-to-date kref repository), then run "kref: Restart server".`,
        actions: ['Restart Server', 'Open Settings', 'Show Output'],
      };
    case 'exited':
      return {
        message: `kref: the language server ${bin} exited at start (${exitText(failure.code, failure.signal)}).${said(failure.stderr)}`,
        actions: ['Restart Server', 'Show Output', 'Open Settings'],
      };
    case 'start-error':
      return {
        message: `kref: the language server ${bin} did not start: ${failure.error}.${failure.stderr.trim() ? said(failure.stderr) : ''}`,
        actions: ['Restart Server', 'Show Output', 'Open Settings'],
      };
    case 'crashed':
      return {
        message: `kref: the language server ${bin} stopped ${failure.times} times in 3 minutes (last: ${exitText(failure.code, failure.signal)}) and is not restarted again.${said(failure.stderr)}\nRun "kref: Restart server" to try again.`,
        actions: ['Restart Server', 'Show Output'],
      };
  }
}

// The VS Code side of kref: starts `kref lsp` once a Kubernetes manifest is open (one server for
// the window, whatever the number of workspace folders), keeps its settings in sync, shows its
// state in the status bar, says clearly why it cannot start, and adds the search / explain /
// restart commands. The decisions themselves (what is a manifest, which binary, whether it is a
// usable kref, which options, how results look) live in ./logic, which does not import `vscode`
// and is unit-tested with plain node.

import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import {
  CloseAction,
  CloseHandlerResult,
  DidChangeConfigurationNotification,
  ErrorAction,
  ErrorHandlerResult,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions as ClientServerOptions,
  State,
} from 'vscode-languageclient/node';

import { looksLikeManifest } from './logic/manifest';
import { findExecutable, PathContext, resolveServerCommand, ServerCommand } from './logic/paths';
import {
  ExplainResult,
  explainUri,
  noteMarkdown,
  noteTarget,
  noteUri,
  parseQueryInput,
  nothingFoundMessage,
  parseSearchResult,
  parseVirtualUri,
  SCHEME,
  hitMarkdown,
  SearchHit,
  ShowResult,
  toPickItems,
} from './logic/search';
import {
  Action,
  CrashCounter,
  failureMessage,
  LSP_ARGS,
  probeServer,
  StartFailure,
  StderrTail,
  Tried,
} from './logic/server';
import { didChangeConfigurationParams, reactionTo, ServerOptions, toServerOptions } from './logic/settings';

/** The client id: the language client reads `kref.trace.server` because of it. */
const CLIENT_ID = 'kref';
const CLIENT_NAME = 'kref';
/** How many explanations are kept for their virtual documents. */
const EXPLAIN_KEEP = 30;

let extension: KrefExtension | undefined;

export function activate(context: vscode.ExtensionContext): void {
  extension = new KrefExtension(context);
  extension.activate();
}

export async function deactivate(): Promise<void> {
  await extension?.stopClient();
  extension = undefined;
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    return err.message;
  }
  if (typeof err === 'object' && err !== null && 'message' in err) {
    return String((err as { message: unknown }).message);
  }
  return String(err);
}

/**
 * The language client, except that it shows no notifications of its own: the extension reports
 * start failures and crashes itself, naming the binary and quoting its stderr. Everything the
 * client logs still goes to the "kref" output channel.
 */
class KrefLanguageClient extends LanguageClient {
  override error(message: string, data?: unknown, _showNotification?: boolean | 'force'): void {
    super.error(message, data, false);
  }
}

/** The server process the extension spawned, and what it printed on stderr. */
interface ServerProcess {
  child: ChildProcess;
  stderr: StderrTail;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

/** Waits for a promise at most `ms`; undefined when it did not settle in time. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([promise, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms))]);
}

/**
 * The language ids the server serves: YAML, and `helm`, which the Helm extension gives chart
 * templates (`templates/*.yaml`, `_helpers.tpl`, `NOTES.txt`).
 */
const LANGUAGES = ['yaml', 'helm'];

function isServedLanguage(languageId: string | undefined): boolean {
  return languageId !== undefined && LANGUAGES.includes(languageId);
}

/** YAML documents the server is given: files on disk and unsaved buffers. */
function isSyncedYaml(doc: vscode.TextDocument): boolean {
  return isServedLanguage(doc.languageId) && (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled');
}

class KrefExtension implements vscode.TextDocumentContentProvider {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient | undefined> | undefined;
  /** The process of the current client (a client restarted after a crash gets a new one). */
  private server: ServerProcess | undefined;
  /** The binary the current client runs. */
  private tried: Tried | undefined;
  /** True while `startClient` waits for `client.start()`: it reports failures itself. */
  private awaitingStart = false;
  private crashes = new CrashCounter();
  private readonly status: vscode.StatusBarItem;
  private statusIsError = false;
  private readonly output: vscode.OutputChannel;
  /** Shown once per session for automatic starts; a command always reports it. */
  private startFailureShown = false;
  /** After a failed automatic start, typing in manifests does not retry until settings change. */
  private autoStartBlocked = false;
  private readonly explanations = new Map<string, string>();
  /** Search results by id, for results that `kref/show` has no section for (bounded). */
  private readonly hits = new Map<string, SearchHit>();
  private explainCounter = 0;
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel(CLIENT_NAME);
    this.status = vscode.window.createStatusBarItem('kref.status', vscode.StatusBarAlignment.Left, 0);
    this.status.name = 'kref';
    context.subscriptions.push(this.output, this.changed, this.status);
  }

  activate(): void {
    const subs = this.context.subscriptions;
    subs.push(
      vscode.workspace.registerTextDocumentContentProvider(SCHEME, this),
      vscode.commands.registerCommand('kref.search', (query?: unknown) =>
        this.search(typeof query === 'string' ? query : undefined),
      ),
      vscode.commands.registerCommand('kref.explain', () => this.explain()),
      vscode.commands.registerCommand('kref.restart', () => this.restart(true)),
      vscode.commands.registerCommand('kref.showOutput', () => this.output.show(true)),
      vscode.commands.registerCommand('kref.statusActions', () => this.statusActions()),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateStatusVisibility()),
      vscode.workspace.onDidOpenTextDocument((doc) => this.maybeStartFor(doc)),
      vscode.workspace.onDidChangeTextDocument((e) => this.maybeStartFor(e.document)),
      vscode.workspace.onDidChangeConfiguration((e) => this.onConfigurationChanged(e)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.sendConfiguration()),
    );
    for (const doc of vscode.workspace.textDocuments) {
      this.maybeStartFor(doc);
    }
    this.updateStatusVisibility();
  }

  // ---- the status bar ------------------------------------------------------------------------

  private setStatus(state: 'starting' | 'running' | 'failed', detail: string): void {
    const icon = { starting: '$(sync~spin)', running: '$(check)', failed: '$(error)' }[state];
    this.status.text = `${icon} kref`;
    this.status.tooltip = `kref: ${detail}\nClick for actions.`;
    this.status.command = 'kref.statusActions';
    this.statusIsError = state === 'failed';
    this.status.backgroundColor = this.statusIsError ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.updateStatusVisibility();
  }

  /** Shown beside YAML editors once there is something to say, and always after a failure. */
  private updateStatusVisibility(): void {
    const yaml = isServedLanguage(vscode.window.activeTextEditor?.document.languageId);
    if (this.status.text !== '' && (yaml || this.statusIsError)) {
      this.status.show();
    } else {
      this.status.hide();
    }
  }

  private async statusActions(): Promise<void> {
    const picked = await vscode.window.showQuickPick(
      [
        { label: '$(debug-restart) Restart server', id: 'kref.restart' },
        { label: '$(output) Show server output', id: 'kref.showOutput' },
        { label: '$(settings-gear) Open kref settings', id: 'settings' },
      ],
      { title: 'kref', placeHolder: typeof this.status.tooltip === 'string' ? this.status.tooltip.split('\n')[0] : '' },
    );
    if (picked?.id === 'settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:kref.kref');
    } else if (picked) {
      await vscode.commands.executeCommand(picked.id);
    }
  }

  // ---- the client ------------------------------------------------------------------------

  /** Starts the server the first time a YAML file that looks like a manifest is open. */
  private maybeStartFor(doc: vscode.TextDocument): void {
    if (this.client || this.starting || this.autoStartBlocked || !isSyncedYaml(doc)) {
      return;
    }
    // A Helm template may have no literal apiVersion and kind (`{{ include ... }}` documents).
    if (doc.languageId === 'helm' || looksLikeManifest(doc.getText())) {
      void this.ensureClient(false);
    }
  }

  private pathContext(): PathContext {
    return {
      homeDir: os.homedir(),
      workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      platform: process.platform,
    };
  }

  private serverOptions(): ServerOptions {
    const config = vscode.workspace.getConfiguration('kref');
    return toServerOptions(
      {
        notes: config.get('notes'),
        schemas: config.get('schemas'),
        kubernetesVersion: config.get('kubernetesVersion'),
        rules: config.get('rules'),
        inlayHints: config.get('inlayHints'),
      },
      this.pathContext(),
    );
  }

  private serverCommand(): ServerCommand {
    return resolveServerCommand({
      ...this.pathContext(),
      configuredPath: vscode.workspace.getConfiguration('kref').get<string>('path') ?? '',
      extensionPath: this.context.extensionPath,
      arch: process.arch,
      isFile,
    });
  }

  /** The running client, starting it if needed. Undefined when it cannot start (already reported). */
  async ensureClient(userAsked: boolean): Promise<LanguageClient | undefined> {
    if (this.client && this.client.state === State.Running) {
      return this.client;
    }
    if (!this.starting) {
      this.starting = this.startClient(userAsked).finally(() => {
        this.starting = undefined;
      });
    }
    return this.starting;
  }

  private async startClient(userAsked: boolean): Promise<LanguageClient | undefined> {
    if (this.client) {
      // Stopped or crashed past the restarts: start again from scratch.
      await this.stopClient();
    }
    const server = this.serverCommand();
    const found = findExecutable(server.command, process.env, process.platform, isFile);
    const tried: Tried = { binary: found ?? server.command, source: server.source };
    if (found === undefined) {
      this.reportStartFailure(userAsked, { kind: 'missing' }, tried);
      return undefined;
    }
    this.setStatus('starting', `starting ${found}`);
    const cwd = this.serverCwd();
    // Ask the binary what it is before trusting it with the protocol (as rust-analyzer does):
    // a missing library, a wrong file or an old kref is reported as such, not as a broken stream.
    const probe = await probeServer(found, { cwd });
    if (probe.kind !== 'ok') {
      this.reportStartFailure(userAsked, probe, tried);
      return undefined;
    }
    this.output.appendLine(`Starting kref ${probe.version}: ${found} ${LSP_ARGS.join(' ')} (from ${describeSource(server)})`);

    this.tried = tried;
    this.crashes = new CrashCounter();
    const spawnServer: ClientServerOptions = () => this.spawnServer(found, cwd);
    const clientOptions: LanguageClientOptions = {
      // All YAML goes to the server, which answers only for documents with apiVersion and kind
      // (see README.md, "Which files kref looks at").
      // Helm templates (language id `helm`) too: the server reads them as YAML with holes.
      documentSelector: LANGUAGES.flatMap((language) => [
        { scheme: 'file', language },
        { scheme: 'untitled', language },
      ]),
      initializationOptions: this.serverOptions(),
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      // A failed initialize is reported by startClient; the client must not retry on its own.
      initializationFailedHandler: () => false,
      errorHandler: {
        error: (_error, _message, count) => this.onConnectionError(count),
        closed: () => this.onConnectionClosed(),
      },
      middleware: {
        workspace: {
          // A server that pulls `workspace/configuration` gets the same expanded settings.
          configuration: async (params, token, next) => {
            const answer = await next(params, token);
            if (!Array.isArray(answer)) {
              return answer;
            }
            return params.items.map((item, i) => (item.section === 'kref' ? this.serverOptions() : answer[i]));
          },
        },
      },
    };
    const client = new KrefLanguageClient(CLIENT_ID, CLIENT_NAME, spawnServer, clientOptions);
    this.client = client;
    this.awaitingStart = true;
    try {
      await client.start();
    } catch (err) {
      const failure = await this.whyItStopped(err);
      await this.stopClient();
      this.reportStartFailure(userAsked, failure, tried);
      return undefined;
    } finally {
      this.awaitingStart = false;
    }
    const info = client.initializeResult?.serverInfo;
    this.output.appendLine(`kref ${info?.version ?? probe.version} is running (process ${this.server?.child.pid}).`);
    this.setStatus('running', `kref ${info?.version ?? probe.version} is running (${found})`);
    return client;
  }

  /** The server's working folder: the first workspace folder on disk, else the home folder. */
  private serverCwd(): string {
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
    return folder?.uri.fsPath ?? os.homedir();
  }

  /** Starts `kref lsp --stdio` for the client, keeping its stderr for messages and its exit. */
  private async spawnServer(binary: string, cwd: string): Promise<ChildProcess> {
    const child = spawn(binary, LSP_ARGS, { cwd, env: process.env, stdio: 'pipe', windowsHide: true });
    const stderr = new StderrTail();
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => stderr.add(chunk));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', () => resolve({ code: child.exitCode, signal: child.signalCode }));
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (err) => reject(err));
    });
    this.server = { child, stderr, exited };
    void exited.then(({ code, signal }) => {
      if (this.server?.child === child) {
        this.output.appendLine(`kref lsp (process ${child.pid}) ended: ${signal ?? `exit code ${code}`}`);
      }
    });
    return child;
  }

  /** What went wrong with a start that threw, from the process's exit and stderr. */
  private async whyItStopped(err: unknown): Promise<StartFailure> {
    const server = this.server;
    if (!server) {
      return { kind: 'start-error', error: errorText(err), stderr: '' };
    }
    const exit = await within(server.exited, 3000);
    if (exit) {
      return { kind: 'exited', code: exit.code, signal: exit.signal, stderr: server.stderr.last() };
    }
    return { kind: 'start-error', error: errorText(err), stderr: server.stderr.last() };
  }

  private onConnectionError(count: number | undefined): ErrorHandlerResult {
    // A broken pipe usually means the process ended; `closed` follows and decides.
    return { action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
  }

  /** The connection closed without `stop`: restart (up to 4 times in 3 minutes) or report. */
  private async onConnectionClosed(): Promise<CloseHandlerResult> {
    // Read the state now: the awaits below let startClient move on.
    const duringStart = this.awaitingStart;
    const client = this.client;
    const restarting = client?.state === State.Starting;
    const server = this.server;
    const tried = this.tried;
    if (duringStart) {
      // startClient reports it.
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    const exit = server ? await within(server.exited, 2000) : undefined;
    const stderr = server?.stderr.last() ?? '';
    if (client === undefined || this.client !== client) {
      // A client that was stopped or replaced meanwhile.
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    const code = exit?.code ?? null;
    const signal = exit?.signal ?? null;
    if (restarting) {
      // A restart after a crash did not get through initialize.
      if (tried) {
        this.reportStartFailure(false, { kind: 'exited', code, signal, stderr }, tried, true);
      }
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    if (this.crashes.record(Date.now()) === 'restart') {
      this.output.appendLine('kref: the language server stopped unexpectedly; starting it again.');
      this.setStatus('starting', 'restarting after the server stopped unexpectedly');
      // The client starts a new process; report when it is up.
      setTimeout(() => this.noteRestarted(), 0);
      return { action: CloseAction.Restart, handled: true };
    }
    if (tried) {
      this.reportStartFailure(false, { kind: 'crashed', times: this.crashes.count, code, signal, stderr }, tried, true);
    }
    return { action: CloseAction.DoNotRestart, handled: true };
  }

  /** After the client restarted a crashed server, puts the status back once it runs. */
  private noteRestarted(): void {
    const client = this.client;
    if (!client) {
      return;
    }
    const sub = client.onDidChangeState((e) => {
      if (e.newState === State.Running && this.client === client) {
        this.setStatus('running', `kref is running again (${this.tried?.binary ?? 'kref'})`);
        sub.dispose();
      } else if (e.newState === State.Stopped) {
        sub.dispose();
      }
    });
  }

  async stopClient(): Promise<void> {
    const client = this.client;
    const server = this.server;
    this.client = undefined;
    this.server = undefined;
    if (client) {
      const wasRunning = client.state === State.Running;
      try {
        // `shutdown` and `exit`, or a timeout after 2 s.
        await client.dispose(2000);
      } catch (err) {
        // A client whose start failed has nothing left to stop.
        if (wasRunning) {
          this.output.appendLine(`Stopping the server: ${errorText(err)}`);
        }
      }
    }
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      // It did not leave after `exit` (or never got it): end it, so that no server is left over.
      if (!(await within(server.exited, 1000))) {
        this.output.appendLine(`kref lsp (process ${server.child.pid}) did not exit; ending it`);
        server.child.kill();
        if (!(await within(server.exited, 2000))) {
          server.child.kill('SIGKILL');
        }
      }
    }
  }

  private async restart(userAsked: boolean): Promise<void> {
    await this.starting;
    await this.stopClient();
    this.startFailureShown = false;
    this.autoStartBlocked = false;
    const client = await this.ensureClient(userAsked);
    if (client && userAsked) {
      void vscode.window.setStatusBarMessage('kref: server restarted', 3000);
    }
  }

  /**
   * Says why the server is not running: in the output channel always; as a notification for a
   * command the user ran, the first automatic failure of a session, and a crash (`always`).
   */
  private reportStartFailure(userAsked: boolean, failure: StartFailure, tried: Tried, always = false): void {
    const { message, actions } = failureMessage(failure, tried);
    this.autoStartBlocked = true;
    this.output.appendLine(message);
    this.setStatus('failed', message.split('\n')[0]);
    if (!userAsked && !always && this.startFailureShown) {
      return;
    }
    this.startFailureShown = true;
    void vscode.window.showErrorMessage(message, ...actions).then((choice: Action | undefined) => {
      if (choice === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'kref.path');
      } else if (choice === 'Show Output') {
        this.output.show(true);
      } else if (choice === 'Restart Server') {
        void this.restart(true);
      }
    });
  }

  private onConfigurationChanged(e: vscode.ConfigurationChangeEvent): void {
    switch (reactionTo((section) => e.affectsConfiguration(section))) {
      case 'restart':
        if (this.client || this.starting) {
          void this.restart(false);
        } else {
          // A new binary: try again when the next manifest is opened or edited.
          this.autoStartBlocked = false;
          this.startFailureShown = false;
          for (const doc of vscode.workspace.textDocuments) {
            this.maybeStartFor(doc);
          }
        }
        break;
      case 'notify':
        this.sendConfiguration();
        break;
      case 'none':
        break;
    }
  }

  private sendConfiguration(): void {
    const client = this.client;
    if (client && client.state === State.Running) {
      void client.sendNotification(
        DidChangeConfigurationNotification.type,
        didChangeConfigurationParams(this.serverOptions()),
      );
    }
  }

  // ---- commands ----------------------------------------------------------------------------

  private async search(query: string | undefined): Promise<void> {
    const client = await this.ensureClient(true);
    if (!client) {
      return;
    }
    const input =
      query ??
      (await vscode.window.showInputBox({
        title: 'kref: Search knowledge base',
        prompt: 'Words, field names or an error message. Narrow with kind:CronJob or source:user.',
        placeHolder: 'rolling update',
        value: this.wordAtCursor(),
        ignoreFocusOut: true,
      }));
    const params = input === undefined ? undefined : parseQueryInput(input);
    if (!params) {
      return;
    }
    let result;
    try {
      result = parseSearchResult(
        await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Window, title: 'kref: searching…' },
          () => client.sendRequest('kref/search', params),
        ),
      );
    } catch (err) {
      void vscode.window.showErrorMessage(`kref: search failed: ${errorText(err)}`);
      return;
    }
    for (const hit of result.results) {
      this.hits.delete(hit.id);
      this.hits.set(hit.id, hit);
    }
    while (this.hits.size > 2000) {
      this.hits.delete(this.hits.keys().next().value as string);
    }
    if (result.results.length === 0) {
      const guesses = (result.did_you_mean ?? []).slice(0, 2);
      const again = await vscode.window.showInformationMessage(
        nothingFoundMessage(params.query, result),
        ...guesses,
        'Search Again',
      );
      if (again && guesses.includes(again)) {
        await this.search(again);
      } else if (again) {
        await this.search(undefined);
      }
      return;
    }
    const picked = await vscode.window.showQuickPick(toPickItems(result), {
      title: `kref: ${result.results.length} result${result.results.length === 1 ? '' : 's'} for “${params.query}”`,
      placeHolder: 'Pick a note to open (type to filter)',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (picked) {
      await this.openHit(picked.hit);
    }
  }

  private wordAtCursor(): string | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      return undefined;
    }
    if (!editor.selection.isEmpty) {
      const text = editor.document.getText(editor.selection).trim();
      return text.length <= 200 && !text.includes('\n') ? text : undefined;
    }
    const range = editor.document.getWordRangeAtPosition(editor.selection.active, /[A-Za-z0-9_.-]+/);
    return range ? editor.document.getText(range) : undefined;
  }

  /** Opens a hit: a user note as its file at its line; a built-in note as a read-only document. */
  private async openHit(hit: SearchHit): Promise<void> {
    const target = noteTarget(hit);
    if (target.kind === 'file') {
      try {
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(target.path));
        const line = Math.min(target.line, Math.max(0, doc.lineCount - 1));
        const at = new vscode.Position(line, 0);
        await vscode.window.showTextDocument(doc, { selection: new vscode.Range(at, at) });
        return;
      } catch (err) {
        // Moved or deleted since it was indexed: show what the index has.
        this.output.appendLine(`Opening ${target.path}: ${errorText(err)}; showing the indexed text instead`);
      }
    }
    await this.showMarkdown(vscode.Uri.from(noteUri(hit.id, hit.title)), false);
  }

  private async explain(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !isServedLanguage(editor.document.languageId)) {
      void vscode.window.showInformationMessage('kref: open a Kubernetes manifest and put the cursor on a field.');
      return;
    }
    const client = await this.ensureClient(true);
    if (!client) {
      return;
    }
    let result: ExplainResult | null;
    try {
      result = await client.sendRequest<ExplainResult | null>('kref/explain', {
        textDocument: { uri: client.code2ProtocolConverter.asUri(editor.document.uri) },
        position: client.code2ProtocolConverter.asPosition(editor.selection.active),
      });
    } catch (err) {
      void vscode.window.showErrorMessage(`kref: explain failed: ${errorText(err)}`);
      return;
    }
    if (!result || typeof result.markdown !== 'string') {
      void vscode.window.showInformationMessage('kref: no Kubernetes field under the cursor.');
      return;
    }
    this.explainCounter += 1;
    const uri = vscode.Uri.from(explainUri(result.path || 'field', this.explainCounter));
    const body = result.markdown.trim();
    const text = /^#{1,6}\s/.test(body) ? body : `# ${result.path}\n\n${body}`;
    const key = parseVirtualUri(uri.path, uri.query);
    if (key.kind === 'explain') {
      this.explanations.set(key.key, text + '\n');
      while (this.explanations.size > EXPLAIN_KEEP) {
        this.explanations.delete(this.explanations.keys().next().value as string);
      }
    }
    await this.showMarkdown(uri, true);
  }

  /** Shows a virtual Markdown document as a preview or as read-only text (`kref.openMarkdownAs`). */
  private async showMarkdown(uri: vscode.Uri, beside: boolean): Promise<void> {
    const mode = vscode.workspace.getConfiguration('kref').get<string>('openMarkdownAs', 'preview');
    if (mode === 'preview') {
      try {
        await vscode.commands.executeCommand(beside ? 'markdown.showPreviewToSide' : 'markdown.showPreview', uri);
        return;
      } catch (err) {
        // The built-in Markdown extension is disabled: fall back to the text.
        this.output.appendLine(`Markdown preview unavailable (${errorText(err)}); opening the text`);
      }
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, {
      preview: true,
      viewColumn: beside ? vscode.ViewColumn.Beside : undefined,
      preserveFocus: beside,
    });
  }

  // ---- virtual documents -------------------------------------------------------------------

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const doc = parseVirtualUri(uri.path, uri.query);
    switch (doc.kind) {
      case 'explain':
        return (
          this.explanations.get(doc.key) ??
          '*This explanation is no longer kept: run “kref: Explain field at cursor” again.*\n'
        );
      case 'note': {
        const client = await this.ensureClient(true);
        if (!client) {
          return '*The kref language server is not running, so this note cannot be shown.*\n';
        }
        try {
          const show = await client.sendRequest<ShowResult | null>('kref/show', { id: doc.id });
          const hit = this.hits.get(doc.id);
          if ((!show || typeof show.markdown !== 'string') && hit) {
            // Schema results have no note section: show what the search said.
            return hitMarkdown(hit);
          }
          if (!show || typeof show.markdown !== 'string') {
            return `# Not found\n\nkref has no note with id \`${doc.id}\` (was the index rebuilt?).\n`;
          }
          return noteMarkdown(show);
        } catch (err) {
          return `# Could not load this note\n\n\`kref/show\` failed: ${errorText(err)}\n`;
        }
      }
      case 'unknown':
        return '';
    }
  }
}

function describeSource(server: ServerCommand): string {
  switch (server.source) {
    case 'setting':
      return 'the kref.path setting';
    case 'bundled':
      return 'the binary bundled with the extension';
    case 'path':
      return 'PATH';
  }
}

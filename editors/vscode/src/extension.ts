// The VS Code side of kref: starts `kref lsp` once a Kubernetes manifest is open, keeps its
// settings in sync, and adds the search / explain / restart commands. The decisions themselves
// (what is a manifest, which binary, which options, how results look) live in ./logic, which does
// not import `vscode` and is unit-tested with plain node.

import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  Executable,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  State,
  TransportKind,
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

/** YAML documents the server is given: files on disk and unsaved buffers. */
function isSyncedYaml(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'yaml' && (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled');
}

class KrefExtension implements vscode.TextDocumentContentProvider {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient | undefined> | undefined;
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
    context.subscriptions.push(this.output, this.changed);
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
      vscode.workspace.onDidOpenTextDocument((doc) => this.maybeStartFor(doc)),
      vscode.workspace.onDidChangeTextDocument((e) => this.maybeStartFor(e.document)),
      vscode.workspace.onDidChangeConfiguration((e) => this.onConfigurationChanged(e)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.sendConfiguration()),
    );
    for (const doc of vscode.workspace.textDocuments) {
      this.maybeStartFor(doc);
    }
  }

  // ---- the client ------------------------------------------------------------------------

  /** Starts the server the first time a YAML file that looks like a manifest is open. */
  private maybeStartFor(doc: vscode.TextDocument): void {
    if (this.client || this.starting || this.autoStartBlocked || !isSyncedYaml(doc)) {
      return;
    }
    if (looksLikeManifest(doc.getText())) {
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
      // Stopped or crashed past the client's own restarts: start again from scratch.
      await this.stopClient();
    }
    const server = this.serverCommand();
    const found = findExecutable(server.command, process.env, process.platform, isFile);
    if (found === undefined) {
      this.reportStartFailure(userAsked, missingBinaryMessage(server));
      return undefined;
    }
    this.output.appendLine(`Starting ${found} lsp (from ${describeSource(server)})`);

    const executable: Executable = {
      command: found,
      args: ['lsp'],
      transport: TransportKind.stdio,
    };
    const clientOptions: LanguageClientOptions = {
      // All YAML goes to the server, which answers only for documents with apiVersion and kind
      // (see README.md, "Which files kref looks at").
      documentSelector: [
        { scheme: 'file', language: 'yaml' },
        { scheme: 'untitled', language: 'yaml' },
      ],
      initializationOptions: this.serverOptions(),
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
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
    const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, executable, clientOptions);
    try {
      await client.start();
    } catch (err) {
      this.reportStartFailure(userAsked, `kref: the language server did not start (${errorText(err)}).`);
      try {
        await client.dispose();
      } catch {
        // Already gone.
      }
      return undefined;
    }
    this.client = client;
    return client;
  }

  async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.dispose(2000);
      } catch (err) {
        this.output.appendLine(`Stopping the server: ${errorText(err)}`);
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

  private reportStartFailure(userAsked: boolean, message: string): void {
    this.autoStartBlocked = true;
    this.output.appendLine(message);
    if (!userAsked && this.startFailureShown) {
      return;
    }
    this.startFailureShown = true;
    void vscode.window.showErrorMessage(message, 'Open Settings', 'Show Output').then((choice) => {
      if (choice === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'kref.path');
      } else if (choice === 'Show Output') {
        this.output.show(true);
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
    if (!editor || editor.document.languageId !== 'yaml') {
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

function missingBinaryMessage(server: ServerCommand): string {
  if (server.source === 'setting') {
    return `kref: the kref.path setting names "${server.command}", which is not an executable file. Fix the setting or clear it to use kref from PATH.`;
  }
  return 'kref: the language server "kref" was not found on PATH. Install it (cargo install --path . in the kref repository) or set kref.path to the binary.';
}

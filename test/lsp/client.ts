/**
 * A language client for the tests: spawns `node bin/heed.js lsp --stdio`
 * and talks to it with `vscode-languageserver-protocol`, the protocol
 * library VS Code's client is built on.
 */

import { spawn, type ChildProcess } from "node:child_process";
import { pathToFileURL } from "node:url";
import {
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  createProtocolConnection,
  DefinitionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PrepareRenameRequest,
  PublishDiagnosticsNotification,
  ReferencesRequest,
  RenameRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeAction,
  type CodeLens,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type Diagnostic as LspDiagnostic,
  type DocumentSymbol,
  type Hover,
  type Location,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver-protocol/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { BIN } from "../cli/helpers.js";

/** One open document on the client's side. */
interface Open {
  uri: string;
  languageId: string;
  version: number;
  text: string;
}

/** A published diagnostics set and when it arrived. */
export interface Published {
  params: PublishDiagnosticsParams;
  at: number;
}

type Waiter<T> = { accept: (value: T) => boolean; resolve: (value: T) => void };

/** A running server and a client connected to it. */
export class LspClient {
  readonly connection: ProtocolConnection;
  private readonly child: ChildProcess;
  private readonly open = new Map<string, Open>();
  /** Every diagnostics publication, in order of arrival. */
  readonly published: Published[] = [];
  private diagnosticWaiters: Waiter<Published>[] = [];
  private silentWaiters: Waiter<{ uri: string; version: number; summary: string }>[] = [];
  readonly silentDone: { uri: string; version: number; summary: string }[] = [];
  stderr = "";

  private constructor(child: ChildProcess) {
    this.child = child;
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      const entry = { params, at: performance.now() };
      this.published.push(entry);
      this.diagnosticWaiters = this.diagnosticWaiters.filter((w) => !(w.accept(entry) && (w.resolve(entry), true)));
    });
    this.connection.onNotification("heed/silentContact", (params: { uri: string; version: number; summary: string }) => {
      this.silentDone.push(params);
      this.silentWaiters = this.silentWaiters.filter((w) => !(w.accept(params) && (w.resolve(params), true)));
    });
    this.connection.onRequest("workspace/codeLens/refresh", () => null);
    this.connection.listen();
  }

  /** The server's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Starts `heed lsp --stdio` with `root` as the workspace folder. */
  static async start(root: string, initializationOptions: Record<string, unknown> = {}): Promise<LspClient> {
    const child = spawn(process.execPath, [BIN, "lsp", "--stdio"], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
    const client = new LspClient(child);
    const rootUri = pathToFileURL(root).href;
    await client.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: "test" }],
      capabilities: { workspace: { codeLens: { refreshSupport: true } } },
      initializationOptions,
    });
    await client.connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /** Opens a document; resolves with its first diagnostics. */
  async openDocument(uri: string, text: string, languageId = uri.endsWith(".heed") ? "heed" : "yaml"): Promise<Published> {
    const doc: Open = { uri, languageId, version: 1, text };
    this.open.set(uri, doc);
    const published = this.nextDiagnostics(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
    return published;
  }

  /** Replaces a document's whole text; resolves with the diagnostics of the new version. */
  async change(uri: string, text: string): Promise<Published> {
    const doc = this.mustBeOpen(uri);
    doc.version++;
    doc.text = text;
    const published = this.nextDiagnostics(uri, doc.version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: doc.version }, contentChanges: [{ text }] });
    return published;
  }

  /** Sends a change without waiting: the benchmark's way of typing. */
  sendChange(uri: string, text: string): number {
    const doc = this.mustBeOpen(uri);
    doc.version++;
    doc.text = text;
    void this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: doc.version }, contentChanges: [{ text }] });
    return doc.version;
  }

  /**
   * The next diagnostics published for a version of a document, or for a
   * later one (changes that come within the server's pause are checked
   * together, and only the last version is published).
   */
  nextDiagnostics(uri: string, version: number): Promise<Published> {
    return new Promise((resolve) => {
      this.diagnosticWaiters.push({ accept: (p) => p.params.uri === uri && (p.params.version ?? 0) >= version, resolve });
    });
  }

  /**
   * The whole diagnostics of a version, silent-contact warnings included:
   * the last published before the server's `heed/silentContact` for it.
   */
  async settledDiagnostics(uri: string, version = this.mustBeOpen(uri).version): Promise<Diagnostic[]> {
    await this.silentContact(uri, version);
    const last = [...this.published].reverse().find((p) => p.params.uri === uri && p.params.version === version);
    if (last === undefined) throw new Error(`no diagnostics for ${uri} version ${version}`);
    return last.params.diagnostics;
  }

  /** Resolves when the silent-contact run of a version is done. */
  silentContact(uri: string, version: number): Promise<{ uri: string; version: number; summary: string }> {
    const done = this.silentDone.find((s) => s.uri === uri && s.version === version);
    if (done !== undefined) return Promise.resolve(done);
    return new Promise((resolve) => {
      this.silentWaiters.push({ accept: (s) => s.uri === uri && s.version === version, resolve });
    });
  }

  /** The diagnostics last published for a document. */
  lastDiagnostics(uri: string): LspDiagnostic[] {
    for (let i = this.published.length - 1; i >= 0; i--) {
      const entry = this.published[i] as Published;
      if (entry.params.uri === uri) return entry.params.diagnostics;
    }
    return [];
  }

  text(uri: string): string {
    return this.mustBeOpen(uri).text;
  }

  completion(uri: string, position: Position): Promise<CompletionItem[]> {
    return this.connection
      .sendRequest(CompletionRequest.type, { textDocument: { uri }, position })
      .then((r: CompletionItem[] | CompletionList | null) => (r === null ? [] : Array.isArray(r) ? r : r.items));
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  }

  definition(uri: string, position: Position): Promise<Location[]> {
    return this.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position }).then((r) => (r === null ? [] : (Array.isArray(r) ? r : [r]) as Location[]));
  }

  references(uri: string, position: Position): Promise<Location[]> {
    return this.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position, context: { includeDeclaration: true } }).then((r) => r ?? []);
  }

  prepareRename(uri: string, position: Position): Promise<unknown> {
    return this.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position });
  }

  rename(uri: string, position: Position, newName: string): Promise<WorkspaceEdit | null> {
    return this.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position, newName });
  }

  formatting(uri: string): Promise<TextEdit[]> {
    return this.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }).then((r) => r ?? []);
  }

  codeActions(uri: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
    const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return this.connection
      .sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics } })
      .then((r) => (r ?? []).filter((a): a is CodeAction => "title" in a && !("command" in a && typeof a.command === "string")));
  }

  codeLenses(uri: string): Promise<CodeLens[]> {
    return this.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }).then((r) => r ?? []);
  }

  documentSymbols(uri: string): Promise<DocumentSymbol[]> {
    return this.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } }).then((r) => (r ?? []) as DocumentSymbol[]);
  }

  /** Shuts the server down as an editor does; resolves with its exit code. */
  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.child.once("exit", (code) => resolve(code)));
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    const code = await exited;
    this.connection.dispose();
    return code;
  }

  private mustBeOpen(uri: string): Open {
    const doc = this.open.get(uri);
    if (doc === undefined) throw new Error(`${uri} is not open`);
    return doc;
  }
}

/** The text with the edits applied, as an editor applies them. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create("file:///x", "heed", 1, text), [...edits]);
}

/** The 0-based position of the `nth` occurrence of `needle` in `text`, plus `shift` characters. */
export function positionIn(text: string, needle: string, shift = 0, nth = 0): Position {
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`\`${needle}\` (occurrence ${nth}) not in text`);
  }
  const before = text.slice(0, index + shift).split("\n");
  return { line: before.length - 1, character: (before.at(-1) ?? "").length };
}

/**
 * `heed lsp`: the language server for `*.heed` and `*.heed.yaml`, over any
 * LSP connection (stdio for `heed lsp --stdio`).
 *
 * On every change a document is checked again after a short pause (the
 * `diagnosticsDelay`, 25 ms by default): the static part of `heed check`
 * (parse, validate, analyse) is published at once; the silent-contact run,
 * which can take hundreds of milliseconds on a large policy, starts once the
 * document has been quiet for a moment (`silentContactDelay`, 300 ms) and
 * runs on a worker thread; its warnings, code lenses and summaries follow.
 * Until they come, the previous run's warnings stay on the stages they were
 * on.
 * When the run is done the server sends `heed/silentContact` with the
 * summary (clients may show it; tests wait for it).
 *
 * @module
 */

import { fileURLToPath, pathToFileURL } from "node:url";
import { relative, isAbsolute } from "node:path";
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  RequestType,
  DiagnosticSeverity,
  DiagnosticTag,
  TextDocumentSyncKind,
  TextDocuments,
  type CodeLens,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type InitializeParams,
  type InitializeResult,
  type Position,
  type TextEdit,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Policy } from "../../ast.js";
import type { Diagnostic } from "../../diagnostics.js";
import { renderGraph } from "../../analysis/index.js";
import { applyAllowDirectives, type CheckOptions } from "../check-policy.js";
import { formatDslText } from "../format-text.js";
import { codeActions, suggestedFix } from "./actions.js";
import { completeDsl, completeYaml, vocabularyOf } from "./completion.js";
import { analyseDocument, formOf, occurrenceAt, stageNamed, type DocumentAnalysis } from "./document.js";
import { hoverAt, silentStayText } from "./hover.js";
import { definition, documentSymbols, highlights, occurrenceUnder, prepareRename, references, rename } from "./navigation.js";
import { spanToRange } from "./positions.js";
import { SilentRunner, type SilentResult } from "./silent.js";
import { readFromDisk, testFileReferences, type TestFileReference } from "./test-files.js";
import { transitionWords } from "./words.js";

/** The settings a client may give (`initializationOptions`, or `heed` in the workspace configuration). */
export interface ServerSettings {
  /** Signals the application sends besides the built-in ones (as `heed check --signals`). */
  signals?: string[];
  /** How long to follow a silent contact, in days (as `--horizon`). */
  horizonDays?: number;
  /** Warn when a silent contact gets more touches within 30 days (as `--max-silent-touches`). */
  maxSilentTouches?: number;
  /** The pause after a change before checking again, in milliseconds (default 25). */
  diagnosticsDelay?: number;
  /** The quiet time after a change before the silent-contact run starts, in milliseconds (default 300). */
  silentContactDelay?: number;
}

/** The notification sent when a document's silent-contact run is done. */
export const SILENT_CONTACT_NOTIFICATION = "heed/silentContact";

/** What {@link SILENT_CONTACT_NOTIFICATION} carries. */
export interface SilentContactParams {
  uri: string;
  version: number;
  /** The summary `heed check` prints for the policy. */
  summary: string;
}

/** The request for a policy's stage graph as Mermaid text (`heed graph --format mermaid` of the open text). */
export const GRAPH_REQUEST = "heed/graph";

/** What {@link GRAPH_REQUEST} answers: the Mermaid text, or why there is none. */
export type GraphResult = { mermaid: string; policy: string } | { error: string };

/** A silent-contact warning kept across edits by the stage it is on. */
interface CarriedWarning {
  diagnostic: Diagnostic;
  /** The stage whose name it points at, if any. */
  stage: string | undefined;
}

/** Everything the server keeps about one open document. */
interface DocumentState {
  analysis: DocumentAnalysis;
  /** The last analysis whose text had names (for completion while the text has errors). */
  named: DocumentAnalysis | undefined;
  /** The silent-contact result of this version, once done. */
  silent: SilentResult | undefined;
  /** The last result, of whatever version: lenses and warnings until the new one is done. */
  lastSilent: { result: SilentResult; warnings: CarriedWarning[] } | undefined;
  timer: NodeJS.Timeout | undefined;
  /** The silent-contact run waiting for the document to be quiet. */
  silentTimer: NodeJS.Timeout | undefined;
}

/** The policy forms this server reads, by file name. */
function isPolicyName(file: string, languageId: string): boolean {
  if (/\.heed$/i.test(file) || languageId === "heed") return true;
  return /\.heed\.ya?ml$/i.test(file);
}

/** Wires the language server onto a connection and starts listening. */
export function startLanguageServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const states = new Map<string, DocumentState>();
  let settings: ServerSettings = {};
  let root: string | undefined;
  let canRefreshLenses = false;
  const silentRunner = new SilentRunner((message) => connection.console.error(message));

  const checkOptions = (): CheckOptions => ({
    knownSignals: settings.signals ?? [],
    horizonDays: settings.horizonDays ?? 365,
    maxSilentTouches: settings.maxSilentTouches ?? 8,
  });

  /** The file name diagnostics carry: the path relative to the workspace, as `heed check` run there prints it. */
  const fileOf = (uri: string): string => {
    if (!uri.startsWith("file:")) return uri.replace(/^[a-z]+:/, "");
    const path = fileURLToPath(uri);
    if (root === undefined) return path;
    const rel = relative(root, path);
    return rel.startsWith("..") || isAbsolute(rel) ? path : rel;
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    settings = { ...(params.initializationOptions as ServerSettings | undefined) };
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    if (folder !== undefined && folder !== null && folder.startsWith("file:")) root = fileURLToPath(folder);
    canRefreshLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: [" ", ".", ","] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: "heed" },
    };
  });

  connection.onDidChangeConfiguration((change) => {
    const heed = (change.settings as { heed?: ServerSettings } | null | undefined)?.heed;
    if (heed === undefined) return;
    settings = { ...settings, ...heed };
    for (const document of documents.all()) schedule(document, 0);
  });

  const schedule = (document: TextDocument, delay: number): void => {
    if (!isPolicyName(document.uri, document.languageId)) return;
    const state = states.get(document.uri);
    if (state?.timer !== undefined) clearTimeout(state.timer);
    // The first analysis runs at once: opening a file shows its problems without a pause.
    if (state === undefined || delay <= 0) analyse(document.uri);
    else state.timer = setTimeout(() => analyse(document.uri), delay);
  };

  const analyse = (uri: string): void => {
    const document = documents.get(uri);
    if (document === undefined) return;
    const previous = states.get(uri);
    if (previous?.timer !== undefined) clearTimeout(previous.timer);
    if (previous?.silentTimer !== undefined) clearTimeout(previous.silentTimer);
    const analysis = analyseDocument(uri, document.version, document.getText(), fileOf(uri), checkOptions());
    const state: DocumentState = {
      analysis,
      // Read lazily: a text whose names are all lost to errors falls back on the last that had them.
      named: previous?.analysis.complete === true ? previous.analysis : previous?.named,
      silent: undefined,
      lastSilent: previous?.silent !== undefined ? carry(previous) : previous?.lastSilent,
      timer: undefined,
      silentTimer: undefined,
    };
    states.set(uri, state);
    publish(state);
    const policy = analysis.check.policy;
    if (analysis.check.runsSilentContact && policy !== undefined) {
      // While you type, the run waits for a quiet moment: it would only compete with the next check for the processor.
      const quiet = previous === undefined ? 0 : settings.silentContactDelay ?? 300;
      silentRunner.forget(uri);
      state.silentTimer = setTimeout(() => runSilent(uri, analysis.version, policy), quiet);
    } else {
      silentRunner.forget(uri);
    }
  };

  const runSilent = (uri: string, version: number, policy: Policy): void => {
    if (states.get(uri)?.analysis.version !== version) return;
    silentRunner.request(uri, version, policy, checkOptions(), (result) => {
      const current = states.get(uri);
      if (result === undefined || current === undefined || current.analysis.version !== version) return;
      current.silent = result;
      current.lastSilent = carry(current);
      publish(current);
      if (canRefreshLenses) void connection.sendRequest(CodeLensRefreshRequest.type);
      const params: SilentContactParams = { uri, version, summary: result.summary };
      void connection.sendNotification(SILENT_CONTACT_NOTIFICATION, params);
    });
  };

  /** The warnings of a state's silent result, each with the stage it points at. */
  const carry = (state: DocumentState): DocumentState["lastSilent"] => {
    const result = state.silent;
    if (result === undefined) return state.lastSilent;
    const stages = state.analysis.policy?.stages ?? [];
    const warnings = result.diagnostics.map((diagnostic) => ({
      diagnostic,
      stage: stages.find((s) => s.name.span !== undefined && diagnostic.span !== undefined && s.name.span.line === diagnostic.span.line && s.name.span.column === diagnostic.span.column)?.name.name,
    }));
    return { result, warnings };
  };

  /** The silent-contact warnings to show now: this version's, else the last ones moved onto their stages. */
  const silentWarnings = (state: DocumentState): Diagnostic[] => {
    if (!state.analysis.check.runsSilentContact) return [];
    if (state.silent !== undefined) return state.silent.diagnostics;
    const out: Diagnostic[] = [];
    for (const { diagnostic, stage } of state.lastSilent?.warnings ?? []) {
      const now = stage === undefined ? undefined : stageNamed(state.analysis, stage)?.name.span;
      if (now !== undefined) out.push({ ...diagnostic, span: now });
    }
    return out;
  };

  const publish = (state: DocumentState): void => {
    const analysis = state.analysis;
    const found = [...analysis.check.diagnostics, ...silentWarnings(state)];
    const { kept } = applyAllowDirectives(analysis.text, found);
    void connection.sendDiagnostics({ uri: analysis.uri, version: analysis.version, diagnostics: kept.map((d) => toLsp(d, analysis)) });
  };

  documents.onDidOpen((event) => schedule(event.document, 0));
  documents.onDidChangeContent((event) => {
    if (states.has(event.document.uri)) schedule(event.document, settings.diagnosticsDelay ?? 25);
  });
  documents.onDidClose((event) => {
    const state = states.get(event.document.uri);
    if (state?.timer !== undefined) clearTimeout(state.timer);
    if (state?.silentTimer !== undefined) clearTimeout(state.silentTimer);
    states.delete(event.document.uri);
    silentRunner.forget(event.document.uri);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  /** The state of a document, analysed now if a change is still waiting for its pause. */
  const current = (uri: string): DocumentState | undefined => {
    const state = states.get(uri);
    const document = documents.get(uri);
    if (state !== undefined && document !== undefined && state.analysis.version !== document.version) analyse(uri);
    return states.get(uri);
  };

  connection.onCompletion((params) => {
    const state = current(params.textDocument.uri);
    const document = documents.get(params.textDocument.uri);
    if (state === undefined || document === undefined) return [];
    const vocabulary = vocabularyOf(state.analysis, state.named);
    if (state.analysis.form === "yaml") return completeYaml(document.getText(), params.position, vocabulary);
    return completeDsl(document.getText(), document.offsetAt(params.position), params.position, vocabulary);
  });

  connection.onHover((params) => {
    const state = current(params.textDocument.uri);
    if (state === undefined) return null;
    return hoverAt(state.analysis, state.silent ?? state.lastSilent?.result, params.position);
  });

  connection.onDefinition((params) => {
    const state = current(params.textDocument.uri);
    return state === undefined ? [] : definition(state.analysis, params.position);
  });

  /** The places the policy test files of the workspace name the stage, rule or channel under the cursor. */
  const inTestFiles = (uri: string, analysis: DocumentAnalysis, position: Position): TestFileReference[] => {
    if (root === undefined || !uri.startsWith("file:")) return [];
    const occurrence = occurrenceUnder(analysis, position);
    if (occurrence === undefined || occurrence.kind === "signal") return [];
    const read = (path: string): string | undefined => documents.get(pathToFileURL(path).href)?.getText() ?? readFromDisk(path);
    return testFileReferences(root, fileURLToPath(uri), read).filter((r) => r.kind === occurrence.kind && r.name === occurrence.name);
  };

  connection.onReferences((params) => {
    const state = current(params.textDocument.uri);
    if (state === undefined) return [];
    const local = references(state.analysis, params.position, params.context.includeDeclaration);
    const tests = inTestFiles(params.textDocument.uri, state.analysis, params.position).map((r) => ({ uri: pathToFileURL(r.path).href, range: r.range }));
    return [...local, ...tests];
  });

  connection.onDocumentHighlight((params) => {
    const state = current(params.textDocument.uri);
    return state === undefined ? [] : highlights(state.analysis, params.position);
  });

  connection.onPrepareRename((params) => {
    const state = current(params.textDocument.uri);
    const document = documents.get(params.textDocument.uri);
    if (state === undefined || document === undefined) return null;
    return prepareRename(state.analysis, document, params.position);
  });

  connection.onRenameRequest((params) => {
    const state = current(params.textDocument.uri);
    const document = documents.get(params.textDocument.uri);
    if (state === undefined || document === undefined) return null;
    const changes: Record<string, TextEdit[]> = { [params.textDocument.uri]: rename(state.analysis, document, params.position, params.newName) };
    for (const reference of inTestFiles(params.textDocument.uri, state.analysis, params.position)) {
      const uri = pathToFileURL(reference.path).href;
      (changes[uri] ??= []).push({ range: reference.range, newText: params.newName });
    }
    return { changes };
  });

  connection.onDocumentSymbol((params) => {
    const state = current(params.textDocument.uri);
    return state === undefined ? [] : documentSymbols(state.analysis);
  });

  connection.onDocumentFormatting((params): TextEdit[] => {
    const document = documents.get(params.textDocument.uri);
    if (document === undefined || formOf(fileOf(document.uri), document.languageId) !== "dsl") return [];
    const text = document.getText();
    const outcome = formatDslText(text, fileOf(document.uri));
    if ("diagnostics" in outcome) {
      connection.console.info(`not formatted: ${outcome.diagnostics[0]?.message ?? "the policy has errors"}`);
      return [];
    }
    if (outcome.formatted === text) return [];
    return [{ range: { start: { line: 0, character: 0 }, end: document.positionAt(text.length) }, newText: outcome.formatted }];
  });

  connection.onCodeAction((params) => {
    const document = documents.get(params.textDocument.uri);
    return document === undefined ? [] : codeActions(document, params.context.diagnostics);
  });

  connection.onCodeLens((params): CodeLens[] => {
    const state = current(params.textDocument.uri);
    const silent = state?.silent ?? state?.lastSilent?.result;
    if (state === undefined || silent === undefined || state.analysis.policy === undefined) return [];
    const lenses: CodeLens[] = [];
    for (const stage of state.analysis.policy.stages) {
      const text = silentStayText(silent, stage.name.name);
      if (stage.name.span === undefined || text === undefined) continue;
      lenses.push({ range: spanToRange(stage.name.span), command: { title: `silent contact: ${text}`, command: "" } });
    }
    return lenses;
  });

  connection.onRequest(new RequestType<{ uri: string }, GraphResult, void>(GRAPH_REQUEST), (params) => graphOf(params.uri));
  const graphOf = (uri: string): GraphResult => {
    const state = current(uri);
    if (state === undefined) return { error: "not a Heed policy" };
    const policy = state.analysis.check.policy;
    if (policy === undefined || !state.analysis.check.runsSilentContact) return { error: "the policy has errors: fix them to see its graph" };
    return { mermaid: renderGraph(policy, "mermaid"), policy: policy.name.value };
  };

  connection.onShutdown(async () => {
    await silentRunner.dispose();
  });

  documents.listen(connection);
  connection.listen();
}

/** A Heed diagnostic as the protocol carries it: same code, same span, the hint on a second line, the suggestion kept for its quick fix. */
export function toLsp(diagnostic: Diagnostic, analysis: DocumentAnalysis): LspDiagnostic {
  const span = diagnostic.span ?? { line: 1, column: 1, endLine: 1, endColumn: 1 };
  const out: LspDiagnostic = {
    range: spanToRange(span),
    severity: diagnostic.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: diagnostic.code,
    source: "heed",
    message: diagnostic.hint === undefined ? diagnostic.message : `${diagnostic.message}\n${diagnostic.hint}`,
  };
  const related = relatedLines(diagnostic, analysis);
  if (related.length > 0) out.relatedInformation = related;
  if (diagnostic.code === "unreachable-stage" || diagnostic.code === "dead-channel") out.tags = [DiagnosticTag.Unnecessary];
  const fix = suggestedFix(diagnostic);
  if (fix !== undefined) out.data = fix;
  return out;
}

/**
 * The other lines a diagnostic speaks of: the first declaration of a
 * duplicate (`(first declared at line L, column C)`), the transition that
 * always fires before a shadowed one.
 */
function relatedLines(diagnostic: Diagnostic, analysis: DocumentAnalysis): NonNullable<LspDiagnostic["relatedInformation"]> {
  const uri = analysis.uri;
  const out: NonNullable<LspDiagnostic["relatedInformation"]> = [];
  for (const match of `${diagnostic.message} ${diagnostic.hint ?? ""}`.matchAll(/(first declared) at line (\d+), column (\d+)/g)) {
    const line = Number(match[2]);
    const column = Number(match[3]);
    const named = occurrenceAt(analysis, line, column);
    const range = named === undefined ? { start: { line: line - 1, character: column - 1 }, end: { line: line - 1, character: column - 1 } } : spanToRange(named.span);
    out.push({ location: { uri, range }, message: match[1] ?? "" });
  }
  const earlier = /can never fire: `([^`]+)` always fires first/.exec(diagnostic.message)?.[1];
  if (diagnostic.code === "shadowed-transition" && earlier !== undefined) {
    for (const { transition } of analysis.transitions) {
      if (transition.span === undefined || transitionWords(transition) !== earlier) continue;
      out.push({ location: { uri, range: spanToRange(transition.span) }, message: "this transition always fires first" });
    }
  }
  return out;
}

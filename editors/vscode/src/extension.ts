/**
 * Heed for VS Code: starts `heed lsp` from the workspace's installed `heed`
 * package (or the path in `heed.server.path`) and shows a policy's stage
 * graph in a webview. Highlighting, brackets and the YAML schemas are
 * contributed by the manifest.
 */

import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import * as vscode from "vscode";
import { LanguageClient, RequestType, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

/** The graph request of `heed lsp`. */
type GraphResult = { mermaid: string; policy: string } | { error: string };
const GraphRequest = new RequestType<{ uri: string }, GraphResult, void>("heed/graph");

let client: LanguageClient | undefined;
let status: vscode.StatusBarItem | undefined;
const summaries = new Map<string, string>();

/** The `heed` CLI to run: the workspace's `node_modules/heed`, else the configured path. */
function findServer(): string | undefined {
  const configured = vscode.workspace.getConfiguration("heed").get<string>("server.path", "").trim();
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (configured !== "") {
      const path = isAbsolute(configured) ? configured : join(folder.uri.fsPath, configured);
      if (existsSync(path)) return path;
    }
    const installed = join(folder.uri.fsPath, "node_modules", "heed", "bin", "heed.js");
    if (existsSync(installed)) return installed;
  }
  if (configured !== "" && isAbsolute(configured) && existsSync(configured)) return configured;
  return undefined;
}

/** What the server is told at start (it also follows later changes of the `heed` settings). */
function initializationOptions(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration("heed");
  return {
    signals: config.get<string[]>("signals", []),
    horizonDays: config.get<number>("horizonDays", 365),
    maxSilentTouches: config.get<number>("maxSilentTouches", 8),
    diagnosticsDelay: config.get<number>("diagnosticsDelay", 25),
  };
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const server = findServer();
  if (server === undefined) {
    void vscode.window.showWarningMessage(
      "Heed: no `heed` found. Install it in the workspace (`npm install --save-dev heed`) or set `heed.server.path` to its `bin/heed.js`.",
    );
    return;
  }
  const run = { module: server, args: ["lsp"], transport: TransportKind.stdio };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "heed" },
      { scheme: "untitled", language: "heed" },
      { scheme: "file", language: "yaml", pattern: "**/*.heed.{yaml,yml}" },
    ],
    initializationOptions: initializationOptions(),
    synchronize: { configurationSection: "heed" },
  };
  client = new LanguageClient("heed", "Heed", serverOptions, clientOptions);
  client.onNotification("heed/silentContact", (params: { uri: string; summary: string }) => {
    summaries.set(params.uri, params.summary);
    showStatus(vscode.window.activeTextEditor);
  });
  await client.start();
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

/** The silent-contact summary of the policy in the active editor, in the status bar. */
function showStatus(editor: vscode.TextEditor | undefined): void {
  if (status === undefined) return;
  const summary = editor === undefined ? undefined : summaries.get(editor.document.uri.toString());
  if (summary === undefined) {
    status.hide();
    return;
  }
  status.text = "$(person) silent contact";
  status.tooltip = summary;
  status.show();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  status.command = "heed.showGraph";
  context.subscriptions.push(status, vscode.window.onDidChangeActiveTextEditor(showStatus));
  context.subscriptions.push(
    vscode.commands.registerCommand("heed.showGraph", () => showGraph(context)),
    vscode.commands.registerCommand("heed.restartServer", async () => {
      await client?.stop();
      client = undefined;
      await startClient(context);
    }),
  );
  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

// ------------------------------------------------------------ the graph

const panels = new Map<string, vscode.WebviewPanel>();

/** Opens (or shows) the stage graph of the active policy, redrawn as the policy changes. */
async function showGraph(context: vscode.ExtensionContext): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || client === undefined) {
    void vscode.window.showInformationMessage("Heed: open a policy (`*.heed` or `*.heed.yaml`) to see its graph");
    return;
  }
  const uri = editor.document.uri.toString();
  let panel = panels.get(uri);
  if (panel !== undefined) {
    panel.reveal(vscode.ViewColumn.Beside);
  } else {
    const media = vscode.Uri.joinPath(context.extensionUri, "media");
    panel = vscode.window.createWebviewPanel("heedGraph", "Heed graph", vscode.ViewColumn.Beside, {
      enableScripts: true,
      localResourceRoots: [media],
    });
    panels.set(uri, panel);
    const shown = panel;
    // The page asks for the graph once its script listens: a message sent before would be lost.
    shown.webview.onDidReceiveMessage((message: { ready?: boolean }) => {
      if (message.ready === true) void draw(uri, shown);
    });
    panel.webview.html = graphPage(panel.webview, media);
    const redraw = vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document.uri.toString() === uri) void draw(uri, panel as vscode.WebviewPanel);
    });
    panel.onDidDispose(() => {
      redraw.dispose();
      panels.delete(uri);
    });
    return;
  }
  await draw(uri, panel);
}

async function draw(uri: string, panel: vscode.WebviewPanel): Promise<void> {
  if (client === undefined) return;
  const result = await client.sendRequest(GraphRequest, { uri });
  panel.title = "error" in result ? "Heed graph" : `Heed graph: ${result.policy}`;
  void panel.webview.postMessage(result);
}

/** The webview: Mermaid from the extension's own files (no network), drawing what it is sent. */
function graphPage(webview: vscode.Webview, media: vscode.Uri): string {
  const mermaid = webview.asWebviewUri(vscode.Uri.joinPath(media, "mermaid.min.js"));
  const nonce = randomBytes(16).toString("hex");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${webview.cspSource} data:; style-src ${webview.cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}' ${webview.cspSource};">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); }
  #error { color: var(--vscode-errorForeground); }
  #graph svg { max-width: 100%; height: auto; }
</style>
</head>
<body>
<p id="error"></p>
<div id="graph"></div>
<script nonce="${nonce}" src="${mermaid}"></script>
<script nonce="${nonce}">
  const dark = document.body.classList.contains("vscode-dark") || document.body.classList.contains("vscode-high-contrast");
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: dark ? "dark" : "default" });
  let drawn = 0;
  window.addEventListener("message", async (event) => {
    const message = event.data;
    const error = document.getElementById("error");
    if (message.error) { error.textContent = message.error; return; }
    error.textContent = "";
    try {
      const { svg } = await mermaid.render("heed-graph-" + (++drawn), message.mermaid);
      document.getElementById("graph").innerHTML = svg;
    } catch (e) {
      error.textContent = String(e && e.message || e);
    }
  });
  acquireVsCodeApi().postMessage({ ready: true });
</script>
</body>
</html>`;
}

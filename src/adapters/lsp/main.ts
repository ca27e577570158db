/**
 * The language server on this process's stdin and stdout (`heed lsp`).
 *
 * @module
 */

import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { startLanguageServer } from "./server.js";

/**
 * Serves until the client says `exit` or closes the input. The protocol
 * library ends the process then (exit code 0 after `shutdown`, else 1), so
 * the returned promise does not settle.
 */
export function runStdio(): Promise<number> {
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  startLanguageServer(connection);
  return new Promise<number>(() => undefined);
}

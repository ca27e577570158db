/**
 * `heed lsp`: the language server for editors, over stdio. The server
 * belongs to the LSP adapter, loaded only when this verb runs.
 *
 * @module
 */

import { UsageError } from "../args.js";
import type { Verb } from "../verb.js";

/** The LSP adapter's entry point. */
type RunStdio = () => Promise<number>;

/** The module path is held in a variable so the CLI loads the language server only for this verb. */
const LSP_MAIN = "../../lsp/main.js";

export const lspVerb: Verb = {
  name: "lsp",
  summary: "run the language server for editors (over stdio)",
  usage: "heed lsp [--stdio]",
  details: [
    "Speaks the Language Server Protocol on stdin and stdout, for `*.heed` and `*.heed.yaml` files:",
    "the diagnostics of `heed check` as you type, completion, hover, go to definition, references,",
    "rename, the outline, formatting (`heed fmt`), quick fixes and silent-contact code lenses.",
    "Editors start it themselves; see docs/editors.md.",
  ].join("\n"),
  options: [{ name: "stdio", type: "flag", description: "talk over stdin and stdout (the default and only transport)" }],
  async run(args) {
    if (args.positionals.length > 0) throw new UsageError(`unexpected \`${args.positionals[0] ?? ""}\`: the server takes no files (the editor sends them)`);
    const module = (await import(LSP_MAIN)) as { runStdio: RunStdio };
    return module.runStdio();
  },
};

/**
 * `heed serve`: the HTTP decision service. Its options belong to the HTTP
 * adapter, which parses them itself.
 *
 * @module
 */

import type { CliIo } from "../io.js";
import type { Verb } from "../verb.js";

/** The HTTP adapter's entry point. */
type RunServe = (args: string[], io: CliIo) => Promise<number>;

/** The module path is held in a variable so the CLI loads the HTTP adapter only when serving. */
const HTTP_COMMAND = "../../http/command.js";

export const serveVerb: Verb = {
  name: "serve",
  summary: "serve decisions over HTTP",
  usage: "heed serve PATH [options]",
  options: [],
  async raw(argv, io) {
    const module = (await import(HTTP_COMMAND)) as { runServe: RunServe };
    return module.runServe(argv, io);
  },
  async run() {
    throw new Error("`serve` parses its own arguments");
  },
};

/**
 * The `heed` command line: finds the verb, runs it, returns the exit code.
 * Never calls `process.exit`, so tests can drive it in-process.
 *
 * @module
 */

import { didYouMean } from "../../parser/names.js";
import { resolveIo, println, type CliIoInput } from "./io.js";
import { HEED_VERSION } from "../report/sarif.js";
import { EXIT_FAIL, EXIT_OK, EXIT_USAGE, runVerb } from "./verb.js";
import { VERBS } from "./verbs/index.js";

/** The help of `heed --help`. */
export function mainHelp(): string {
  const width = Math.max(...VERBS.map((v) => v.name.length));
  const lines = [
    "heed — declarative cadence policies: check, test, explain and simulate them",
    "",
    "usage: heed COMMAND [options] [arguments]",
    "",
    "Commands:",
    ...VERBS.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}`),
    "",
    "Options:",
    "  -h, --help     show this help (or `heed COMMAND --help` for a command's)",
    "  -V, --version  print the version",
    "",
    "Exit codes: 0 success, 1 problems found (errors, failing tests), 2 usage errors.",
  ];
  return `${lines.join("\n")}\n`;
}

/** Runs `heed` with `argv` (without the node and script paths); resolves to the exit code. */
export async function main(argv: string[], ioInput?: CliIoInput): Promise<number> {
  const io = resolveIo(ioInput);
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(mainHelp());
    return EXIT_USAGE;
  }
  if (first === "--help" || first === "-h" || first === "help") {
    const target = first === "help" ? VERBS.find((v) => v.name === rest[0]) : undefined;
    if (target !== undefined) return runVerb(target, ["--help"], io);
    io.stdout.write(mainHelp());
    return EXIT_OK;
  }
  if (first === "--version" || first === "-V") {
    println(io.stdout, HEED_VERSION);
    return EXIT_OK;
  }
  const verb = VERBS.find((v) => v.name === first);
  if (verb === undefined) {
    const what = first.startsWith("-") ? "option" : "command";
    println(io.stderr, `heed: unknown ${what} \`${first}\`${didYouMean(first, VERBS.map((v) => v.name))}`);
    println(io.stderr, "run `heed --help` for the list of commands");
    return EXIT_USAGE;
  }
  try {
    return await runVerb(verb, rest, io);
  } catch (error) {
    // A bug, not a user error: say so in one line rather than with a stack trace.
    const message = error instanceof Error ? error.message : String(error);
    println(io.stderr, `heed ${verb.name}: internal error: ${message.split("\n")[0] ?? ""}`);
    if (io.env["HEED_DEBUG"] !== undefined && error instanceof Error && error.stack !== undefined) println(io.stderr, error.stack);
    return EXIT_FAIL;
  }
}

/**
 * What a verb of the CLI is: its name, help and options, and the function
 * that runs it and returns the exit code.
 *
 * @module
 */

import { describeOptions, FORMAT_OPTION, HELP_OPTION, parseArgs, ROOT_OPTION, UsageError, type OptionSpec, type ParsedArgs } from "./args.js";
import { println, type CliIo } from "./io.js";

/** Exit codes (spec section 6). */
export const EXIT_OK = 0;
export const EXIT_FAIL = 1;
export const EXIT_USAGE = 2;

/** One verb (`check`, `test`, ...). */
export interface Verb {
  name: string;
  /** One line for `heed --help`. */
  summary: string;
  /** The synopsis (`heed check [options] PATH...`). */
  usage: string;
  /** More help, printed after the options. */
  details?: string;
  options: readonly OptionSpec[];
  /**
   * When set, the verb parses its own arguments (and its own `--help`):
   * `run` gets them raw.
   */
  raw?: (argv: string[], io: CliIo) => Promise<number>;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

/** The options a verb accepts: its own, `--root` when it reports in the `github` and `sarif` formats, and `--help`. */
function acceptedOptions(verb: Verb): OptionSpec[] {
  const reports = verb.options.some((o) => o.name === FORMAT_OPTION.name && o.choices?.includes("sarif") === true);
  return [...verb.options, ...(reports ? [ROOT_OPTION] : []), HELP_OPTION];
}

/** The help text of a verb. */
export function verbHelp(verb: Verb): string {
  const parts = [`${verb.usage}`, "", verb.summary];
  const options = acceptedOptions(verb);
  parts.push("", "Options:", describeOptions(options));
  if (verb.details !== undefined) parts.push("", verb.details);
  return `${parts.join("\n")}\n`;
}

/** Parses a verb's arguments and runs it; usage errors print and give exit code 2. */
export async function runVerb(verb: Verb, argv: string[], io: CliIo): Promise<number> {
  if (verb.raw !== undefined) return verb.raw(argv, io);
  let args: ParsedArgs;
  try {
    args = parseArgs(argv, acceptedOptions(verb));
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(verb, error.message, io);
    throw error;
  }
  if (args.flags.has("help")) {
    io.stdout.write(verbHelp(verb));
    return EXIT_OK;
  }
  const root = args.values.get(ROOT_OPTION.name);
  try {
    return await verb.run(args, root === undefined ? io : { ...io, reportRoot: root });
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(verb, error.message, io);
    throw error;
  }
}

/** Prints `heed VERB: message` and the synopsis; returns exit code 2. */
export function usageFailure(verb: Verb, message: string, io: CliIo): number {
  println(io.stderr, `heed ${verb.name}: ${message}`);
  println(io.stderr, `usage: ${verb.usage}`);
  println(io.stderr, `run \`heed ${verb.name} --help\` for more`);
  return EXIT_USAGE;
}

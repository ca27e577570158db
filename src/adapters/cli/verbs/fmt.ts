/**
 * `heed fmt [--check|--diff|--write] PATH...`: canonical formatting of `.heed`
 * files. A file with syntax errors is reported and never rewritten; a file whose
 * formatted text would not read back as the same policy is never rewritten
 * either.
 *
 * @module
 */

import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";
import type { Diagnostic } from "../../../diagnostics.js";
import { discoverFiles, isDslFile, PathError, readText } from "../../files.js";
import { formatDslText } from "../../format-text.js";
import { FORMAT_OPTION, UsageError } from "../args.js";
import { println } from "../io.js";
import { EXIT_FAIL, EXIT_OK, type Verb } from "../verb.js";
import { emitDiagnostics, reportFormat, withFile } from "./common.js";

export const fmtVerb: Verb = {
  name: "fmt",
  summary: "format `.heed` files canonically",
  usage: "heed fmt [--check|--diff|--write] [options] PATH...",
  details: [
    "Without --check, --diff or --write, prints the formatted text to stdout.",
    "--diff prints a unified diff (`--- a/FILE`, `+++ b/FILE`) of what --write would change,",
    "which `git apply` or `patch -p1` can apply; like --check, it exits 1 when a file is not formatted.",
    "Folders are searched recursively for `*.heed` files.",
    "",
    "Exit codes: 0 done (or all formatted with --check or --diff), 1 files not formatted (--check, --diff) or with errors, 2 usage errors.",
  ].join("\n"),
  options: [
    { name: "check", type: "flag", description: "list the files that are not formatted; exit 1 if any" },
    { name: "diff", type: "flag", description: "print a unified diff of what --write would change; exit 1 if any" },
    { name: "write", type: "flag", description: "rewrite the files in place" },
    FORMAT_OPTION,
  ],
  async run(args, io) {
    const diff = args.flags.has("diff");
    const check = args.flags.has("check") || diff;
    const write = args.flags.has("write");
    if (check && write) throw new UsageError(`expected ${diff ? "--diff" : "--check"} or --write, not both`);
    if (args.positionals.length === 0) throw new UsageError("expected at least one PATH");
    const format = reportFormat(args);
    if (diff && format !== "pretty") throw new UsageError("`--diff` prints a patch on stdout; it takes no `--format`");
    let files: string[];
    try {
      files = discoverFiles(args.positionals, io.cwd, (name) => name.endsWith(".heed"));
    } catch (error) {
      if (error instanceof PathError) throw new UsageError(error.message);
      throw error;
    }
    const yaml = files.find((f) => !isDslFile(f));
    if (yaml !== undefined) throw new UsageError(`\`${yaml}\` is not a \`.heed\` file (use \`heed convert\` for YAML policies)`);
    if (files.length === 0) throw new UsageError(`no \`.heed\` files found in ${args.positionals.map((p) => `\`${p}\``).join(", ")}`);

    const diagnostics: Diagnostic[] = [];
    const sources = new Map<string, string>();
    const unformatted: string[] = [];
    const rewritten: string[] = [];
    let printed = 0;
    for (const file of files) {
      const read = readText(file, io.cwd);
      if ("diagnostic" in read) {
        diagnostics.push(read.diagnostic);
        continue;
      }
      sources.set(file, read.text);
      const outcome = formatDslText(read.text, file);
      if ("diagnostics" in outcome) {
        diagnostics.push(...withFile(outcome.diagnostics, file));
        continue;
      }
      const formatted = outcome.formatted;
      if (check) {
        if (formatted !== read.text) unformatted.push(file);
        if (diff && formatted !== read.text) io.stdout.write(unifiedDiff(file, read.text, formatted));
      } else if (write) {
        if (formatted !== read.text) {
          writeFileSync(resolve(io.cwd, file), formatted);
          rewritten.push(file);
        }
      } else {
        if (printed > 0 && files.length > 1) println(io.stdout);
        if (files.length > 1) println(io.stdout, `# ${file}`);
        io.stdout.write(formatted);
        printed++;
      }
    }
    const notFormatted: Diagnostic[] = unformatted.map((file) => ({
      severity: "error",
      code: "not-formatted",
      message: `\`${file}\` is not formatted (run \`heed fmt --write ${file}\`)`,
      span: { file, line: 1, column: 1, endLine: 1, endColumn: 1 },
    }));
    const all = [...diagnostics, ...notFormatted];
    if (format === "pretty") {
      emitDiagnostics(io, diagnostics, { format, sources, prettyStream: "stderr" });
      if (!diff) for (const file of unformatted) println(io.stdout, file);
      if (check && unformatted.length > 0) println(io.stderr, `${unformatted.length} file${unformatted.length === 1 ? "" : "s"} not formatted`);
      for (const file of rewritten) println(io.stderr, `formatted ${file}`);
    } else if (all.length > 0 || check) {
      emitDiagnostics(io, all, { format, sources });
    }
    return all.length > 0 ? EXIT_FAIL : EXIT_OK;
  },
};

/** The unified diff that turns `before` into `after`, with git's `a/` and `b/` prefixes. */
function unifiedDiff(file: string, before: string, after: string): string {
  const name = file.split("\\").join("/");
  return createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY });
}

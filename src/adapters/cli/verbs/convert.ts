/**
 * `heed convert FILE --to yaml|dsl`: one form of a policy to the other.
 *
 * @module
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { hasErrors } from "../../../diagnostics.js";
import { convertPolicy } from "../../../parser/convert.js";
import { detectFormat } from "../../../parser/index.js";
import { readText } from "../../files.js";
import { findSchema, readSchemaTarget, rebaseSchemaTarget, schemaLine, schemaTargetFromOption } from "../../schema-path.js";
import { FORMAT_OPTION, UsageError } from "../args.js";
import { println } from "../io.js";
import { EXIT_FAIL, EXIT_OK, type Verb } from "../verb.js";
import { emitDiagnostics, reportFormat, withFile } from "./common.js";

export const convertVerb: Verb = {
  name: "convert",
  summary: "turn a DSL policy into YAML or the other way",
  usage: "heed convert FILE --to yaml|dsl [-o FILE] [--schema-path PATH|URL]",
  details: [
    "YAML starts with an editor schema line (`# yaml-language-server: $schema=...`) that resolves from the",
    "output's folder (the input's folder when writing to stdout): the line the input already has, else",
    "--schema-path, else the schema of the nearest installed `node_modules/heed` (or of this repository).",
    "--schema-path PATH|URL: a URL is written as it is; a PATH (relative to the current folder) is made",
    "relative to the output's folder. A YAML policy's own line is kept in the DSL as a comment when it is",
    "not the one `heed convert` would write, so that converting back gives it again.",
    "",
    "Exit codes: 0 converted, 1 the policy has errors, 2 usage errors.",
  ].join("\n"),
  options: [
    { name: "to", type: "string", choices: ["yaml", "dsl"], value: "yaml|dsl", description: "the form to produce" },
    { name: "output", short: "o", type: "string", value: "FILE", description: "write to FILE instead of stdout" },
    { name: "schema-path", type: "string", value: "PATH|URL", description: "the JSON Schema the YAML's schema line names (default: the installed package's)" },
    FORMAT_OPTION,
  ],
  async run(args, io) {
    const to = args.values.get("to") as "yaml" | "dsl" | undefined;
    if (to === undefined) throw new UsageError("expected `--to yaml` or `--to dsl`");
    const [file, ...extra] = args.positionals;
    if (file === undefined) throw new UsageError("expected a FILE to convert");
    if (extra.length > 0) throw new UsageError(`expected one FILE, got also \`${extra.join(" ")}\``);
    const schemaOption = args.values.get("schema-path");
    if (schemaOption !== undefined && to === "dsl") throw new UsageError("`--schema-path` goes with `--to yaml`: a DSL policy has no schema line");
    if (schemaOption === "") throw new UsageError("option `--schema-path` expects a path or a URL");
    const format = reportFormat(args);
    const read = readText(file, io.cwd);
    if ("diagnostic" in read) throw new UsageError(read.diagnostic.message);
    const output = args.values.get("output");
    const inputFolder = dirname(resolve(io.cwd, file));
    const outputFolder = output === undefined ? inputFolder : dirname(resolve(io.cwd, output));
    // The line the input has, pointing from the output's folder where it pointed from the input's.
    const written = readSchemaTarget(read.text);
    const kept = written === undefined ? undefined : rebaseSchemaTarget(written, inputFolder, outputFolder);

    let line: string | undefined;
    let note: string | undefined;
    if (to === "yaml") {
      let target = schemaOption === undefined ? kept : schemaTargetFromOption(schemaOption, io.cwd, outputFolder);
      if (target === undefined) {
        const found = findSchema(outputFolder, "policy");
        target = found.target;
        if (found.source === "running") {
          note = `note: no \`node_modules/heed\` in or above \`${outputFolder}\`: the schema line names this installation's copy by its absolute path; choose another with \`--schema-path\``;
        }
      }
      line = schemaLine(target);
    }

    const result = convertPolicy(read.text, { file, to, ...(line === undefined ? {} : { schemaLine: line }) });
    const diagnostics = withFile(result.diagnostics, file);
    const sources = new Map([[file, read.text]]);
    if (result.output === undefined || hasErrors(diagnostics)) {
      emitDiagnostics(io, diagnostics, { format, sources, prettyStream: "stderr" });
      return EXIT_FAIL;
    }
    let text = result.output;
    // YAML to DSL: a line other than the default travels as a comment (the DSL formatter keeps it; converting back reads it).
    if (to === "dsl" && kept !== undefined && detectFormat(read.text, { file }) === "yaml" && kept !== findSchema(outputFolder, "policy").target) {
      text = `${schemaLine(kept)}\n${text}`;
    }
    // Warnings go beside the output; a machine-readable report never mixes with the policy on stdout.
    if (diagnostics.length > 0 && (format === "pretty" || output !== undefined)) emitDiagnostics(io, diagnostics, { format, sources, prettyStream: "stderr" });
    if (note !== undefined && format === "pretty") println(io.stderr, note);
    if (output === undefined) {
      io.stdout.write(text);
    } else {
      // The schema line was written for the output's folder: make it, as `-o out/policy.heed.yaml` asks.
      try {
        mkdirSync(outputFolder, { recursive: true });
        writeFileSync(resolve(io.cwd, output), text);
      } catch (error) {
        throw new UsageError(`cannot write \`${output}\`: ${writeFailure(error)}`);
      }
      println(io.stderr, `wrote ${output}`);
    }
    return EXIT_OK;
  },
};

/** Why a file could not be written, in a few words. */
function writeFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EISDIR") return "it is a folder";
  if (code === "ENOTDIR" || code === "EEXIST") return "a part of its path is a file, not a folder";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  const message = (error as Error).message ?? String(error);
  return (/^[A-Z]+: ([^,]+)/.exec(message)?.[1] ?? message.split("\n")[0] ?? "").toLowerCase();
}

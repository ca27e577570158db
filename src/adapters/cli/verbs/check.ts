/**
 * `heed check PATH...`: parse, validate and analyse policies.
 *
 * @module
 */

import { hasErrors, type Diagnostic } from "../../../diagnostics.js";
import { analyzePolicy } from "../../../engine/analysis/index.js";
import { discoverFiles, isPolicyFile, loadPolicy, MissingPathError } from "../../files.js";
import { FORMAT_OPTION, UsageError } from "../args.js";
import { println } from "../io.js";
import { EXIT_FAIL, EXIT_OK, type Verb } from "../verb.js";
import { emitDiagnostics, reportFormat, splitList, withFile } from "./common.js";

export const checkVerb: Verb = {
  name: "check",
  summary: "parse, validate and analyse policies (files or folders)",
  usage: "heed check [options] PATH...",
  details: [
    "Folders are searched recursively for `*.heed`, `*.heed.yaml` and `*.heed.yml`",
    "(test files, `*.test.yaml`, are left to `heed test`).",
    "",
    "Exit codes: 0 clean or warnings only, 1 errors (or warnings with --strict), 2 usage errors.",
  ].join("\n"),
  options: [
    FORMAT_OPTION,
    { name: "strict", type: "flag", description: "treat warnings as errors (exit 1)" },
    { name: "signals", type: "string", value: "a,b", description: "signals the application sends besides the built-in ones" },
  ],
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError("expected at least one PATH");
    const format = reportFormat(args);
    let files: string[];
    try {
      files = discoverFiles(args.positionals, io.cwd, isPolicyFile);
    } catch (error) {
      if (error instanceof MissingPathError) throw new UsageError(error.message);
      throw error;
    }
    if (files.length === 0) {
      throw new UsageError(`no policy files (\`*.heed\`, \`*.heed.yaml\`) found in ${args.positionals.map((p) => `\`${p}\``).join(", ")}`);
    }
    const knownSignals = splitList(args.values.get("signals"));
    const diagnostics: Diagnostic[] = [];
    const sources = new Map<string, string>();
    for (const file of files) {
      const loaded = loadPolicy(file, io.cwd);
      if (loaded.text !== undefined) sources.set(file, loaded.text);
      diagnostics.push(...withFile(loaded.diagnostics, file));
      if (loaded.policy !== undefined && !hasErrors(loaded.diagnostics)) {
        diagnostics.push(...withFile(analyzePolicy(loaded.policy, { knownSignals }), file));
      }
    }
    emitDiagnostics(io, diagnostics, { format, sources });
    if (format === "pretty") {
      const errors = diagnostics.filter((d) => d.severity === "error").length;
      const warnings = diagnostics.length - errors;
      const counted = `${files.length} ${files.length === 1 ? "policy" : "policies"}`;
      const found = errors + warnings === 0 ? "no problems" : [errors > 0 ? `${errors} error${errors === 1 ? "" : "s"}` : "", warnings > 0 ? `${warnings} warning${warnings === 1 ? "" : "s"}` : ""].filter((s) => s !== "").join(", ");
      if (diagnostics.length > 0) println(io.stdout);
      println(io.stdout, `checked ${counted}: ${found}`);
    }
    if (hasErrors(diagnostics)) return EXIT_FAIL;
    if (args.flags.has("strict") && diagnostics.length > 0) return EXIT_FAIL;
    return EXIT_OK;
  },
};

/**
 * `heed convert FILE --to yaml|dsl`: one form of a policy to the other.
 *
 * @module
 */

import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { hasErrors } from "../../../diagnostics.js";
import { convertPolicy } from "../../../parser/convert.js";
import { readText } from "../../files.js";
import { FORMAT_OPTION, UsageError } from "../args.js";
import { println } from "../io.js";
import { EXIT_FAIL, EXIT_OK, type Verb } from "../verb.js";
import { emitDiagnostics, reportFormat, withFile } from "./common.js";

export const convertVerb: Verb = {
  name: "convert",
  summary: "turn a DSL policy into YAML or the other way",
  usage: "heed convert FILE --to yaml|dsl [-o FILE]",
  details: "Exit codes: 0 converted, 1 the policy has errors, 2 usage errors.",
  options: [
    { name: "to", type: "string", choices: ["yaml", "dsl"], value: "yaml|dsl", description: "the form to produce" },
    { name: "output", short: "o", type: "string", value: "FILE", description: "write to FILE instead of stdout" },
    FORMAT_OPTION,
  ],
  async run(args, io) {
    const to = args.values.get("to") as "yaml" | "dsl" | undefined;
    if (to === undefined) throw new UsageError("expected `--to yaml` or `--to dsl`");
    const [file, ...extra] = args.positionals;
    if (file === undefined) throw new UsageError("expected a FILE to convert");
    if (extra.length > 0) throw new UsageError(`expected one FILE, got also \`${extra.join(" ")}\``);
    const format = reportFormat(args);
    const read = readText(file, io.cwd);
    if ("diagnostic" in read) throw new UsageError(read.diagnostic.message);
    const result = convertPolicy(read.text, { file, to });
    const diagnostics = withFile(result.diagnostics, file);
    const sources = new Map([[file, read.text]]);
    if (result.output === undefined || hasErrors(diagnostics)) {
      emitDiagnostics(io, diagnostics, { format, sources, prettyStream: "stderr" });
      return EXIT_FAIL;
    }
    const output = args.values.get("output");
    // Warnings go beside the output; a machine-readable report never mixes with the policy on stdout.
    if (diagnostics.length > 0 && (format === "pretty" || output !== undefined)) emitDiagnostics(io, diagnostics, { format, sources, prettyStream: "stderr" });
    if (output === undefined) {
      io.stdout.write(result.output);
    } else {
      writeFileSync(resolve(io.cwd, output), result.output);
      println(io.stderr, `wrote ${output}`);
    }
    return EXIT_OK;
  },
};

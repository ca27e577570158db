/**
 * `heed graph POLICY [--format mermaid|dot]`: the policy's state machine as a
 * diagram (stages, transitions labelled with their triggers, the start and
 * final stages marked, policy-wide transitions from every non-final stage).
 *
 * @module
 */

import type { Diagnostic } from "../../../diagnostics.js";
import { renderGraph, type GraphFormat } from "../../../analysis/graph.js";
import { loadPolicy } from "../../files.js";
import { UsageError } from "../args.js";
import { EXIT_FAIL, EXIT_OK, type Verb } from "../verb.js";
import { emitDiagnostics, withFile } from "./common.js";

export const graphVerb: Verb = {
  name: "graph",
  summary: "draw the policy's stages and transitions (Mermaid or Graphviz DOT)",
  usage: "heed graph POLICY [--format mermaid|dot]",
  details: [
    "Mermaid (the default) renders in GitHub Markdown inside a ```mermaid block;",
    "DOT renders with Graphviz: `heed graph policy.heed --format dot | dot -Tsvg > policy.svg`.",
    "Policy-wide transitions are drawn from every non-final stage (dashed in DOT).",
    "",
    "Exit codes: 0 drawn, 1 the policy has errors, 2 usage errors.",
  ].join("\n"),
  options: [
    { name: "format", type: "string", choices: ["mermaid", "dot"], value: "mermaid|dot", description: "the diagram language (default mermaid)" },
  ],
  async run(args, io) {
    const [file, ...extra] = args.positionals;
    if (file === undefined) throw new UsageError("expected a POLICY file");
    if (extra.length > 0) throw new UsageError(`expected one POLICY file, got also \`${extra.join(" ")}\``);
    const loaded = loadPolicy(file, io.cwd);
    if (loaded.text === undefined) throw new UsageError(`policy file \`${file}\` not found`);
    const errors: Diagnostic[] = withFile(loaded.diagnostics.filter((d) => d.severity === "error"), file);
    if (loaded.policy === undefined || errors.length > 0) {
      emitDiagnostics(io, errors, { format: "pretty", sources: new Map([[file, loaded.text]]), prettyStream: "stderr", summary: true });
      return EXIT_FAIL;
    }
    const format = (args.values.get("format") ?? "mermaid") as GraphFormat;
    io.stdout.write(renderGraph(loaded.policy, format));
    return EXIT_OK;
  },
};

/**
 * `heed diff OLD NEW`: where two versions of a policy decide differently,
 * each kind of change with the smallest history found that shows it.
 *
 * @module
 */

import type { Diagnostic } from "../../../diagnostics.js";
import type { Policy } from "../../../ast.js";
import type { HistoryEvent } from "../../../model.js";
import { diffPolicies, type DiffReport } from "../../../analysis/diff.js";
import { loadPolicy } from "../../files.js";
import { escapeData, escapeProperty } from "../../report/github.js";
import { FORMAT_OPTION, integerOption, UsageError } from "../args.js";
import { println, type CliIo } from "../io.js";
import { EXIT_FAIL, EXIT_OK, EXIT_USAGE, type Verb } from "../verb.js";
import { annotationPath, emitDiagnostics, reportFormat, withFile } from "./common.js";

export const diffVerb: Verb = {
  name: "diff",
  summary: "compare the decisions of two versions of a policy",
  usage: "heed diff OLD NEW [--depth K] [--random N] [--seed S] [--zone ZONE] [--json] [--format F]",
  details: [
    "Both policies decide a touch on every channel after every abstract history of up to K steps",
    "(a touch on each channel, each signal with and without the props the policies test, waits",
    "taken from the policies' own durations plus or minus a minute), then after N seeded random",
    "histories. Each kind of change is shown with the smallest history found.",
    "",
    "--format json is --json; github prints a notice per change on NEW (for a pull request);",
    "sarif reports each change as a `changed-decision` warning on NEW. A policy with errors is",
    "reported in the chosen format.",
    "",
    "Exit codes: 0 no difference found, 1 differences, 2 usage errors or a policy with errors.",
  ].join("\n"),
  options: [
    { name: "depth", type: "string", value: "K", description: "length of the exhaustive histories (default 3)" },
    { name: "random", type: "string", value: "N", description: "how many random histories to add (default 300)" },
    { name: "seed", type: "string", value: "S", description: "seed of the random histories (default 1)" },
    { name: "zone", type: "string", value: "ZONE", description: "the contact's time zone (default: the policy's fallback, else UTC)" },
    { name: "json", type: "flag", description: "print the report as JSON" },
    FORMAT_OPTION,
  ],
  async run(args, io) {
    const [oldFile, newFile, ...extra] = args.positionals;
    if (oldFile === undefined || newFile === undefined) throw new UsageError("expected two policy files, OLD and NEW");
    if (extra.length > 0) throw new UsageError(`expected two policy files, got also \`${extra.join(" ")}\``);
    const depth = integerOption(args, "depth", 3, 1) as number;
    const random = integerOption(args, "random", 300, 0) as number;
    const seed = integerOption(args, "seed", 1, 0) as number;
    const format = args.flags.has("json") ? "json" : reportFormat(args);
    const policies: Policy[] = [];
    for (const file of [oldFile, newFile]) {
      const loaded = loadPolicy(file, io.cwd);
      if (loaded.text === undefined) throw new UsageError(`policy file \`${file}\` not found`);
      const errors: Diagnostic[] = withFile(loaded.diagnostics.filter((d) => d.severity === "error"), file);
      if (loaded.policy === undefined || errors.length > 0) {
        emitDiagnostics(io, errors, { format, sources: new Map([[file, loaded.text]]), prettyStream: "stderr", summary: true, category: "diff" });
        return EXIT_USAGE;
      }
      policies.push(loaded.policy);
    }
    const zone = args.values.get("zone");
    const report = diffPolicies(policies[0] as Policy, policies[1] as Policy, {
      depth,
      randomHistories: random,
      seed,
      ...(zone === undefined ? {} : { zone }),
    });
    if (format === "json") io.stdout.write(`${JSON.stringify({ version: 1, ...report }, null, 2)}\n`);
    else if (format === "github") printNotices(io, report, newFile);
    else if (format === "sarif") emitDiagnostics(io, changeDiagnostics(report, policies[1] as Policy, newFile), { format, sources: new Map(), category: "diff" });
    else printReport(io, report, oldFile, newFile);
    return report.same ? EXIT_OK : EXIT_FAIL;
  },
};

/** `touch email at T`, `reply (sentiment "negative") at T`. */
function describeEvent(e: HistoryEvent): string {
  const props = Object.entries(e)
    .filter(([key]) => !["type", "at", "id", "channel"].includes(key))
    .map(([key, value]) => `${key} ${JSON.stringify(value)}`);
  return `${e.type}${e.channel === undefined ? "" : ` ${e.channel}`}${props.length === 0 ? "" : ` (${props.join(", ")})`} at ${e.at}`;
}

function printReport(io: CliIo, report: DiffReport, oldFile: string, newFile: string): void {
  const tried = `${report.explored.exhaustive} histories up to ${report.explored.depth} steps and ${report.explored.random} random ones`;
  if (report.same && report.explored.exhaustive + report.explored.random === 0) {
    println(io.stdout, `no difference between \`${oldFile}\` and \`${newFile}\`: the policies are the same`);
    return;
  }
  if (report.same) {
    println(io.stdout, `no difference between \`${oldFile}\` and \`${newFile}\` (tried ${tried})`);
    return;
  }
  println(io.stdout, `${report.changes.length} kind${report.changes.length === 1 ? "" : "s"} of change from \`${oldFile}\` to \`${newFile}\` (tried ${tried}):`);
  for (const change of report.changes) {
    println(io.stdout, "");
    println(io.stdout, `- ${change.message}`);
    println(io.stdout, `  history: ${change.history.length === 0 ? "(none)" : change.history.map(describeEvent).join("; ")}`);
    println(io.stdout, `  touch proposed at ${change.at}`);
  }
}

/** One line of a change's history, for annotations. */
function historyText(history: readonly HistoryEvent[]): string {
  return history.length === 0 ? "(none)" : history.map(describeEvent).join("; ");
}

/** GitHub notices: one per change, on the new version of the policy. */
function printNotices(io: CliIo, report: DiffReport, newFile: string): void {
  const file = escapeProperty(annotationPath(io, newFile));
  if (report.same) {
    println(io.stdout, `::notice file=${file},title=${escapeProperty("heed diff")}::${escapeData("no difference in decisions")}`);
    return;
  }
  for (const change of report.changes) {
    const text = `${change.message} (history: ${historyText(change.history)}; touch proposed at ${change.at})`;
    println(io.stdout, `::notice file=${file},title=${escapeProperty("heed diff")}::${escapeData(text)}`);
  }
}

/** Each change as a `changed-decision` warning on the new policy's name, for SARIF. */
function changeDiagnostics(report: DiffReport, policy: Policy, newFile: string): Diagnostic[] {
  const span = { ...(policy.name.span ?? { line: 1, column: 1, endLine: 1, endColumn: 1 }), file: newFile };
  return report.changes.map((change) => ({
    severity: "warning",
    code: "changed-decision",
    message: `${change.message} (history: ${historyText(change.history)}; touch proposed at ${change.at})`,
    span,
  }));
}

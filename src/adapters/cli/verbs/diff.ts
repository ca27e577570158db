/**
 * `heed diff OLD NEW`: where two versions of a policy decide differently,
 * each kind of change with the smallest history found that shows it and
 * the edits of the text that cause it.
 *
 * @module
 */

import type { Diagnostic, Span } from "../../../diagnostics.js";
import type { Policy } from "../../../ast.js";
import type { HistoryEvent } from "../../../model.js";
import { diffPolicies, type DiffChange, type DiffReport } from "../../../analysis/diff.js";
import type { StructuralChange } from "../../../analysis/structure-diff.js";
import { loadPolicy } from "../../files.js";
import { escapeData, escapeProperty } from "../../report/github.js";
import { FORMAT_OPTION, integerOption, UsageError } from "../args.js";
import { println, type CliIo } from "../io.js";
import { EXIT_FAIL, EXIT_OK, EXIT_USAGE, type Verb } from "../verb.js";
import { annotationPath, emitDiagnostics, reportFormat, withFile } from "./common.js";

export const diffVerb: Verb = {
  name: "diff",
  summary: "compare the decisions of two versions of a policy",
  usage: "heed diff OLD NEW [--depth K] [--chain N] [--zone ZONE] [--json] [--format F]",
  details: [
    "Both policies are asked the same questions over histories built from the boundaries they",
    "name: the times of day (in the contact's zone, in both daylight-saving seasons), local",
    "midnights and week starts, business-day edges and holidays, and every duration they measure,",
    "counted from every earlier event and stage entry. Every history of up to K events (a touch",
    "the old policy allows there, or a signal with each value its conditions compare with and one",
    "they do not) placed at each boundary and the minute after it, then chains of touches each sent",
    "at the first instant the old policy allows, up to each count threshold plus one. After each",
    "history a touch on every channel is proposed at every boundary ahead. Where the versions choose",
    "holiday regions differently, contacts in each region, from the day before each day the calendars",
    "part on; with limits across an account, touches to the account's other contacts too (each one OLD",
    "allows). Where the versions declare an attribute or a signal's prop differently (`attributes`,",
    "`signals`: a type, a choice's strings, a declaration added or removed), a contact or a signal",
    "one version accepts and the other refuses (`invalid-attribute`, `invalid-event`). Nothing is",
    "sampled.",
    "",
    "Each kind of change is shown with the smallest history found, grouped into what the new",
    "policy newly allows, newly refuses and otherwise changes, with the edits of the text that",
    "cause it (each edit applied alone to OLD reproduces it).",
    "",
    "--format json is --json; github annotates the changed lines of NEW; sarif reports each change",
    "as a `changed-decision` warning on the line of NEW that causes it. A policy with errors is",
    "reported in the chosen format.",
    "",
    "Exit codes: 0 no difference found, 1 differences, 2 usage errors or a policy with errors.",
  ].join("\n"),
  options: [
    { name: "depth", type: "string", value: "K", description: "events placed at every boundary (default 1; 2 takes about ten times longer)" },
    { name: "chain", type: "string", value: "N", description: "touches in a chain after them (default: the largest count threshold plus two, at most 7)" },
    { name: "max-histories", type: "string", value: "N", description: "stop after N histories, saying so (default 40000)" },
    { name: "zone", type: "string", value: "ZONE", description: "the contact's time zone (default: the policy's fallback, else UTC)" },
    { name: "json", type: "flag", description: "print the report as JSON" },
    FORMAT_OPTION,
  ],
  async run(args, io) {
    const [oldFile, newFile, ...extra] = args.positionals;
    if (oldFile === undefined || newFile === undefined) throw new UsageError("expected two policy files, OLD and NEW");
    if (extra.length > 0) throw new UsageError(`expected two policy files, got also \`${extra.join(" ")}\``);
    const depth = integerOption(args, "depth", 1, 0, 4) as number;
    const chain = integerOption(args, "chain", undefined, 0, 50);
    const maxHistories = integerOption(args, "max-histories", 40_000, 1) as number;
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
      maxHistories,
      ...(chain === undefined ? {} : { chain }),
      ...(zone === undefined ? {} : { zone }),
    });
    const named = withFiles(report, oldFile, newFile);
    // version 1, fields only ever added: `exhaustive` and `random` stay (every history is tried, none at random)
    const json = { version: 1, ...named, explored: { ...named.explored, exhaustive: named.explored.histories, random: 0 } };
    if (format === "json") io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    else if (format === "github") printAnnotations(io, named, policies[1] as Policy, newFile);
    else if (format === "sarif") emitDiagnostics(io, changeDiagnostics(named, policies[1] as Policy, newFile), { format, sources: new Map(), category: "diff" });
    else printReport(io, named, oldFile, newFile);
    return report.same ? EXIT_OK : EXIT_FAIL;
  },
};

/** The report with each edit's lines naming their file. */
function withFiles(report: DiffReport, oldFile: string, newFile: string): DiffReport {
  const inFile = (side: { text: string; span?: Span } | undefined, file: string) =>
    side === undefined ? undefined : side.span === undefined ? side : { ...side, span: { ...side.span, file } };
  const structure = report.structure.map((e): StructuralChange => {
    const named: StructuralChange = { ...e };
    const o = inFile(e.old, oldFile);
    const n = inFile(e.new, newFile);
    if (o !== undefined) named.old = o;
    if (n !== undefined) named.new = n;
    if (e.anchor !== undefined) named.anchor = { ...e.anchor, file: newFile };
    return named;
  });
  return { ...report, structure };
}

/** `touch email at T`, `reply (sentiment "negative") at T`. */
function describeEvent(e: HistoryEvent): string {
  const props = Object.entries(e)
    .filter(([key]) => !["type", "at", "id", "channel"].includes(key))
    .map(([key, value]) => `${key} ${JSON.stringify(value)}`);
  return `${e.type}${e.channel === undefined ? "" : ` ${e.channel}`}${props.length === 0 ? "" : ` (${props.join(", ")})`} at ${e.at}`;
}

/** One line of a change's history, for annotations. */
function historyText(history: readonly HistoryEvent[]): string {
  return history.length === 0 ? "(none)" : history.map(describeEvent).join("; ");
}

/** A change's history and, where there are some, the touches to the account's other contacts, for one line. */
function counterexampleText(change: DiffChange): string {
  const account = change.account === undefined ? "" : `; account: ${historyText(change.account)}`;
  return `history: ${historyText(change.history)}${account}`;
}

/** Where an edit is written: `new.heed:45:3`, or the old file's line for a removal. */
function where(edit: StructuralChange): string {
  const span = edit.new?.span ?? edit.old?.span ?? edit.anchor;
  return span === undefined ? "" : `${span.file ?? ""}:${span.line}:${span.column}: `;
}

/** What was explored, in one paragraph. */
function exploredText(report: DiffReport): string {
  const e = report.explored;
  const events = e.depth === 1 ? "1 event" : `${e.depth} events`;
  const chain = e.chain === 0 ? "" : `, then chains of up to ${e.chain} touches each sent at the first instant OLD allows`;
  const sampled = e.complete ? "nothing was sampled or left out" : "the exploration stopped at its limit: histories were left out";
  return [
    `explored ${e.histories} histories (${e.decisions} decisions on each policy): every history of up to ${events} at every boundary and the minute after it${chain}; ${sampled}`,
    `  boundaries: ${e.boundaries.join("; ")}`,
    `  starting on: ${e.starts.join("; ")}`,
    `  signals: ${e.signals.length === 0 ? "(none)" : e.signals.join(", ")}`,
    ...(e.variants.length === 0 ? [] : [`  also for: ${e.variants.join("; ")}`]),
    ...(e.declarations.length === 0 ? [] : [`  declarations: ${e.declarations.join("; ")}`]),
    ...(e.account ? ["  account: touches to the account's other contacts at every boundary and in chains, each a first touch to a contact of its own that OLD allows there"] : []),
  ].join("\n");
}

const GROUPS: readonly { direction: DiffChange["direction"]; title: string }[] = [
  { direction: "newly-allowed", title: "the new policy newly allows" },
  { direction: "newly-refused", title: "the new policy newly refuses" },
  { direction: "changed", title: "other changes (waits, stages, a denial for a deferral)" },
];

function printReport(io: CliIo, report: DiffReport, oldFile: string, newFile: string): void {
  if (report.same && report.explored.histories === 0) {
    println(io.stdout, `no difference between \`${oldFile}\` and \`${newFile}\`: the policies are the same`);
    if (report.structure.length > 0) for (const edit of report.structure) println(io.stdout, `  ${where(edit)}${edit.summary}`);
    return;
  }
  if (report.same) {
    println(io.stdout, `no difference in decisions between \`${oldFile}\` and \`${newFile}\``);
  } else {
    println(io.stdout, `${report.changes.length} kind${report.changes.length === 1 ? "" : "s"} of change from \`${oldFile}\` to \`${newFile}\``);
  }
  for (const group of GROUPS) {
    const changes = report.changes.filter((c) => c.direction === group.direction);
    if (changes.length === 0) continue;
    println(io.stdout, "");
    println(io.stdout, `${group.title}:`);
    for (const change of changes) {
      println(io.stdout, `- ${change.message}`);
      for (const i of change.causes) {
        const edit = report.structure[i];
        if (edit !== undefined) println(io.stdout, `  because ${where(edit)}${edit.summary}`);
      }
      println(io.stdout, `  history: ${historyText(change.history)}`);
      if (change.account !== undefined) println(io.stdout, `  account (touches to the account's other contacts): ${historyText(change.account)}`);
      println(io.stdout, `  touch proposed at ${change.at}${change.newAllowsHistory ? "" : " (the new policy would have refused a touch of this history)"}`);
    }
  }
  if (report.structure.length > 0) {
    println(io.stdout, "");
    println(io.stdout, "edits:");
    report.structure.forEach((edit, i) => {
      const caused = report.changes.filter((c) => c.causes.includes(i)).length;
      println(io.stdout, `  ${where(edit)}${edit.summary}${caused === 0 ? " (no decision changes)" : ""}`);
    });
  }
  println(io.stdout, "");
  println(io.stdout, exploredText(report));
}

/**
 * GitHub annotations on the changed lines of NEW: one per edit, a warning
 * listing the changes it causes, or a notice when it changes no decision.
 * A change traced to no edit (it cannot happen: every change has a cause)
 * would be a notice on the policy's name.
 */
function printAnnotations(io: CliIo, report: DiffReport, policy: Policy, newFile: string): void {
  const file = escapeProperty(annotationPath(io, newFile));
  const title = escapeProperty("heed diff");
  if (report.same && report.structure.length === 0) {
    println(io.stdout, `::notice file=${file},title=${title}::${escapeData("no difference in decisions")}`);
    return;
  }
  const location = (span: Span | undefined): string =>
    span === undefined ? "" : `,line=${span.line},col=${span.column},endLine=${span.endLine},endColumn=${span.endColumn}`;
  report.structure.forEach((edit, i) => {
    const caused = report.changes.filter((c) => c.causes.includes(i));
    const span = edit.anchor ?? policy.name.span;
    const text =
      caused.length === 0
        ? `${edit.summary}: no decision changes`
        : `${edit.summary}: ${caused.map((c) => `${c.message} (${counterexampleText(c)}; touch proposed at ${c.at})`).join(" | ")}`;
    println(io.stdout, `::${caused.length === 0 ? "notice" : "warning"} file=${file}${location(span)},title=${title}::${escapeData(text)}`);
  });
  if (report.same) println(io.stdout, `::notice file=${file},title=${title}::${escapeData("no difference in decisions")}`);
}

/** Each change as a `changed-decision` warning on each line of NEW that causes it, for SARIF. */
function changeDiagnostics(report: DiffReport, policy: Policy, newFile: string): Diagnostic[] {
  const fallback = { ...(policy.name.span ?? { line: 1, column: 1, endLine: 1, endColumn: 1 }), file: newFile };
  return report.changes.flatMap((change) => {
    const anchors = change.causes.map((i) => report.structure[i]).filter((e): e is StructuralChange => e !== undefined);
    const message = `${change.message} (${counterexampleText(change)}; touch proposed at ${change.at})`;
    if (anchors.length === 0) return [{ severity: "warning" as const, code: "changed-decision", message, span: fallback }];
    return anchors.map((edit) => ({
      severity: "warning" as const,
      code: "changed-decision",
      message: `${message}, because ${edit.summary}`,
      span: edit.anchor === undefined ? fallback : { ...edit.anchor, file: newFile },
    }));
  });
}

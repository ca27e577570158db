/**
 * `heed explain POLICY --contact F --history F --touch CHANNEL --at T`: the
 * decision and how it was reached (the stage timeline, each rule's outcome).
 *
 * @module
 */

import type { Policy } from "../../../ast.js";
import { HeedInputError, type Diagnostic } from "../../../diagnostics.js";
import type { Explanation } from "../../../engine/api.js";
import { compile } from "../../../engine/index.js";
import type { Contact, HistoryEvent } from "../../../model.js";
import { DataFileError, loadDataFile, loadPolicy } from "../../files.js";
import { describeChange } from "../../policy-tests.js";
import { escapeControl, palette } from "../../report/index.js";
import { FORMAT_OPTION, UsageError } from "../args.js";
import { println, useColor, type CliIo } from "../io.js";
import { EXIT_FAIL, EXIT_OK, type Verb } from "../verb.js";
import { emitDiagnostics, reportFormat, splitList, withFile } from "./common.js";

export const explainVerb: Verb = {
  name: "explain",
  summary: "print a decision and how it was reached",
  usage: "heed explain POLICY... --touch CHANNEL --at TIME [--contact FILE] [--history FILE] [--tags a,b]",
  details: [
    "The contact file holds one contact (`{ \"id\": \"c1\", \"timezone\": \"Europe/Paris\" }`), the history",
    "file a list of events; both JSON or YAML. Without --contact the contact is `{ id: contact }`;",
    "without --history it has no history. Several POLICY files form a policy set.",
    "",
    "Exit codes: 0 explained, 1 the policy has errors or the input is invalid, 2 usage errors.",
  ].join("\n"),
  options: [
    { name: "contact", type: "string", value: "FILE", description: "the contact (JSON or YAML)" },
    { name: "history", type: "string", value: "FILE", description: "the contact's history: a list of events (JSON or YAML)" },
    { name: "touch", type: "string", value: "CHANNEL", description: "the channel of the proposed touch" },
    { name: "tags", type: "string", value: "a,b", description: "tags of the proposed touch" },
    { name: "at", type: "string", value: "TIME", description: "the instant of the touch (ISO-8601 with an offset or Z)" },
    FORMAT_OPTION,
  ],
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError("expected a POLICY file");
    const channel = args.values.get("touch");
    if (channel === undefined) throw new UsageError("expected `--touch CHANNEL`");
    const at = args.values.get("at");
    if (at === undefined) throw new UsageError("expected `--at TIME` (ISO-8601 with an offset or `Z`)");
    const format = reportFormat(args);

    let contact: unknown = { id: "contact" };
    let history: unknown = [];
    try {
      const contactFile = args.values.get("contact");
      if (contactFile !== undefined) contact = loadDataFile(contactFile, io.cwd);
      const historyFile = args.values.get("history");
      if (historyFile !== undefined) history = loadDataFile(historyFile, io.cwd);
    } catch (error) {
      if (error instanceof DataFileError) throw new UsageError(error.message);
      throw error;
    }
    if (history !== null && typeof history === "object" && !Array.isArray(history) && Array.isArray((history as { history?: unknown }).history)) {
      history = (history as { history: unknown[] }).history;
    }

    const policies: Policy[] = [];
    const diagnostics: Diagnostic[] = [];
    const sources = new Map<string, string>();
    for (const file of args.positionals) {
      const loaded = loadPolicy(file, io.cwd);
      if (loaded.text === undefined) throw new UsageError(`policy file \`${file}\` not found`);
      sources.set(file, loaded.text);
      const errors = withFile(loaded.diagnostics.filter((d) => d.severity === "error"), file);
      diagnostics.push(...errors);
      if (loaded.policy !== undefined && errors.length === 0) policies.push(loaded.policy);
    }
    if (diagnostics.length > 0) {
      emitDiagnostics(io, diagnostics, { format, sources, summary: true });
      return EXIT_FAIL;
    }
    const touch = { channel, ...(args.values.has("tags") ? { tags: splitList(args.values.get("tags")) } : {}) };
    let explanation: Explanation;
    try {
      const engine = compile(policies.length === 1 ? (policies[0] as Policy) : policies);
      // The engine checks its input and raises a typed error naming the field, so the files' contents go as they are.
      explanation = engine.explain({ contact: contact as Contact, history: history as HistoryEvent[], touch, at });
    } catch (error) {
      if (error instanceof HeedInputError) {
        println(io.stderr, `heed explain: invalid input: ${escapeControl(error.message)}`);
        return EXIT_FAIL;
      }
      throw error;
    }
    if (format === "json") {
      io.stdout.write(`${JSON.stringify({ version: 1, ...explanation }, null, 2)}\n`);
    } else {
      printExplanation(io, explanation, policies.length > 1);
    }
    return EXIT_OK;
  },
};

function where(span: { file?: string; line: number; column: number } | undefined): string {
  return span === undefined ? "" : `${escapeControl(span.file ?? "")}:${span.line}:${span.column}`;
}

/**
 * The explanation for people: decision, timeline, rules. Names and messages
 * come from the policy and the input, so their control characters are
 * shown escaped (`e` below), never sent to the terminal.
 */
export function printExplanation(io: CliIo, explanation: Explanation, multiPolicy: boolean): void {
  const p = palette(useColor(io, "stdout"));
  const e = escapeControl;
  const d = explanation.decision;
  const verdict = d.verdict === "allow" ? p.green("allow") : d.verdict === "deny" ? p.red("deny") : p.yellow("defer");
  const until = d.verdict === "defer" && d.notBefore !== undefined ? ` until ${d.notBefore}` : "";
  println(io.stdout, `${p.bold("decision:")} ${verdict}${until}`);
  println(io.stdout, `${p.bold("stage:")} ${e(d.stage)}`);
  if (d.alternatives !== undefined) println(io.stdout, `${p.bold("alternatives:")} ${d.alternatives.length === 0 ? "none" : e(d.alternatives.join(", "))}`);
  if (d.reasons.length > 0) {
    println(io.stdout, p.bold("reasons:"));
    for (const r of d.reasons) println(io.stdout, `  ${e(r.rule)} [${e(r.code)}]: ${e(r.message)}${r.span ? `  ${p.dim(where(r.span))}` : ""}`);
  }
  for (const member of d.policies ?? []) {
    const memberUntil = member.notBefore === undefined ? "" : ` until ${member.notBefore}`;
    println(io.stdout, `  policy \`${e(member.policy)}\`: ${member.verdict}${memberUntil} (stage \`${e(member.stage)}\`)`);
  }
  println(io.stdout);
  println(io.stdout, p.bold("timeline:"));
  if (explanation.timeline.length === 0) println(io.stdout, "  (no stage changes)");
  // stage changes and, in time order among them, each change of a fact the conditions read (a stage change first at one instant)
  const lines = [
    ...explanation.timeline.map((change) => ({ at: Date.parse(change.at), text: describeChange(change, multiPolicy) })),
    ...(explanation.facts ?? []).map((f) => ({
      at: Date.parse(f.at),
      text: `${f.at}  ${multiPolicy ? `[${f.policy}] ` : ""}${f.fact} is ${f.value === null ? "missing" : JSON.stringify(f.value)}`,
    })),
  ];
  lines.sort((a, b) => a.at - b.at);
  for (const line of lines) println(io.stdout, `  ${e(line.text)}`);
  println(io.stdout);
  println(io.stdout, p.bold("rules:"));
  if (explanation.rules.length === 0) println(io.stdout, "  (no rules)");
  const label = (r: (typeof explanation.rules)[number]): string => e(multiPolicy ? `[${r.policy}] ${r.rule}` : r.rule);
  const width = Math.max(0, ...explanation.rules.map((r) => label(r).length));
  const outcomeWidth = "not applicable".length;
  for (const r of explanation.rules) {
    const text = r.outcome === "not-applicable" ? "not applicable" : r.outcome;
    const pad = " ".repeat(outcomeWidth - text.length);
    const outcome = r.outcome === "met" ? p.green(text) : r.outcome === "not-applicable" ? p.dim(text) : r.outcome === "deny" ? p.red(text) : p.yellow(text);
    const ruleUntil = r.notBefore === undefined ? "" : ` (until ${r.notBefore})`;
    const location = r.span === undefined ? "" : `  ${p.dim(where(r.span))}`;
    println(io.stdout, `  ${label(r).padEnd(width)}  ${outcome}${pad}  ${e(r.message)}${ruleUntil}${location}`);
  }
}

/**
 * `heed check PATH...`: parse, validate and analyse policies.
 *
 * @module
 */

import { hasErrors, sortDiagnostics, type Diagnostic } from "../../../diagnostics.js";
import { describeSilentContact, type SilentContactReport } from "../../../analysis/index.js";
import { pursuitBounds, type PursuitBounds } from "../../../analysis/bounds.js";
import { applyAllowDirectives, checkSilentContact, checkStatic } from "../../check-policy.js";
import { discoverFiles, isPolicyFile, PathError, readText } from "../../files.js";
import { jsonDiagnostic, type ReportFormat } from "../../report/index.js";
import { escapeData, escapeProperty } from "../../report/github.js";
import { FORMAT_OPTION, integerOption, UsageError } from "../args.js";
import { println, type CliIo } from "../io.js";
import { EXIT_FAIL, EXIT_OK, type Verb } from "../verb.js";
import { annotationPath, emitDiagnostics, reportBase, reportFormat, splitList, withFile } from "./common.js";

/** The silent-contact report and the pursuit bounds of one policy file. */
interface SilentEntry {
  file: string;
  report: SilentContactReport;
  bounds: PursuitBounds;
}

export const checkVerb: Verb = {
  name: "check",
  summary: "parse, validate and analyse policies (files or folders)",
  usage: "heed check [options] PATH...",
  details: [
    "Folders are searched recursively for `*.heed`, `*.heed.yaml` and `*.heed.yml`",
    "(test files, `*.test.yaml`, are left to `heed test`).",
    "",
    "It warns `unbounded-pursuit` where a stage the contact can reach allows a channel that no",
    "limit bounds there, naming the way there: whatever signals arrive, a sender can touch a",
    "contact there without end.",
    "",
    "Each policy without errors is also run against a contact who never answers, with a",
    "sender that sends at every instant the policy allows, for --horizon days: the report",
    "says how many touches on which channels it gets in each stage, and where it ends.",
    "It warns `silent-pursuit` when such a contact is never moved out of an outreach",
    "stage, or gets more than --max-silent-touches touches within 30 days.",
    "",
    "Then the pursuit bounds: the most touches any contact receives in any 7 and any 30 days,",
    "per stage and for the policy, whatever signals arrive (an eager sender driven through the",
    "policy for every signal pattern: the signals leading to each stage, then each signal the",
    "policy reads after every touch, or none; from each day of a week).",
    "",
    "Both analyses have a budget of steps: on a policy too large to analyse in full they stop",
    "and warn `analysis-incomplete`, saying where they stopped.",
    "",
    "A comment line `# heed-check: allow CODE, CODE` in a policy file accepts those warnings",
    "for that file (for instance `unbounded-pursuit` in a compliance policy meant to be combined",
    "with a cadence in a policy set); errors cannot be allowed.",
    "",
    "Exit codes: 0 clean or warnings only, 1 errors (or warnings with --strict), 2 usage errors.",
  ].join("\n"),
  options: [
    FORMAT_OPTION,
    { name: "strict", type: "flag", description: "treat warnings as errors (exit 1)" },
    { name: "signals", type: "string", value: "a,b", description: "signals the application sends besides the built-in ones" },
    { name: "horizon", type: "string", value: "DAYS", description: "how long to follow a silent contact (default 365)" },
    { name: "max-silent-touches", type: "string", value: "N", description: "warn when a silent contact gets more touches within 30 days (default 8)" },
  ],
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError("expected at least one PATH");
    const format = reportFormat(args);
    let files: string[];
    try {
      files = discoverFiles(args.positionals, io.cwd, isPolicyFile);
    } catch (error) {
      if (error instanceof PathError) throw new UsageError(error.message);
      throw error;
    }
    if (files.length === 0) {
      throw new UsageError(`no policy files (\`*.heed\`, \`*.heed.yaml\`) found in ${args.positionals.map((p) => `\`${p}\``).join(", ")}`);
    }
    const knownSignals = splitList(args.values.get("signals"));
    const horizonDays = integerOption(args, "horizon", 365, 1, 3650) as number;
    const maxSilentTouches = integerOption(args, "max-silent-touches", 8, 1, 100_000) as number;
    const diagnostics: Diagnostic[] = [];
    const silent: SilentEntry[] = [];
    const sources = new Map<string, string>();
    let allowed = 0;
    const options = { knownSignals, horizonDays, maxSilentTouches };
    for (const file of files) {
      const read = readText(file, io.cwd);
      if ("diagnostic" in read) {
        diagnostics.push(read.diagnostic);
        continue;
      }
      sources.set(file, read.text);
      const checked = checkStatic(read.text, file, options);
      const found = checked.diagnostics;
      if (checked.policy !== undefined && checked.runsSilentContact) {
        const report = checkSilentContact(checked.policy, options);
        const bounds = pursuitBounds(checked.policy, { form: file.endsWith(".heed") ? "dsl" : "yaml" });
        silent.push({ file, report, bounds });
        for (const d of report.diagnostics) found.push(d);
        for (const d of bounds.diagnostics) found.push(d);
      }
      const { kept, allowed: accepted } = applyAllowDirectives(read.text, found);
      allowed += accepted;
      for (const d of withFile(kept, file)) diagnostics.push(d);
    }
    if (format === "json") {
      printJson(io, diagnostics, silent);
    } else {
      emitDiagnostics(io, diagnostics, { format, sources, category: "check" });
      printSilent(io, format, silent, diagnostics.length > 0);
    }
    if (format === "pretty") {
      const errors = diagnostics.filter((d) => d.severity === "error").length;
      const warnings = diagnostics.length - errors;
      const counted = `${files.length} ${files.length === 1 ? "policy" : "policies"}`;
      const found = errors + warnings === 0 ? "no problems" : [errors > 0 ? `${errors} error${errors === 1 ? "" : "s"}` : "", warnings > 0 ? `${warnings} warning${warnings === 1 ? "" : "s"}` : ""].filter((s) => s !== "").join(", ");
      if (diagnostics.length > 0 || silent.length > 0) println(io.stdout);
      const quieted = allowed === 0 ? "" : ` (${allowed} more warning${allowed === 1 ? "" : "s"} allowed by \`# heed-check: allow\` comments)`;
      println(io.stdout, `checked ${counted}: ${found}${quieted}`);
    }
    if (hasErrors(diagnostics)) return EXIT_FAIL;
    if (args.flags.has("strict") && diagnostics.length > 0) return EXIT_FAIL;
    return EXIT_OK;
  },
};

/**
 * The silent-contact paths in plain words: one paragraph per policy for
 * people, one `::notice` annotation per policy for GitHub, and the pursuit
 * bounds beside. SARIF carries the warnings only.
 */
function printSilent(io: CliIo, format: ReportFormat, silent: readonly SilentEntry[], afterDiagnostics: boolean): void {
  if (format === "pretty") {
    if (silent.length === 0) return;
    if (afterDiagnostics) println(io.stdout);
    println(io.stdout, `a contact who never answers, over ${silent[0]?.report.horizonDays ?? 365} days (a sender that sends whenever allowed):`);
    for (const { file, report } of silent) println(io.stdout, `  ${file}: ${describeSilentContact(report)}`);
    println(io.stdout);
    println(io.stdout, "the most touches any contact receives in any 7 and any 30 days, whatever signals arrive:");
    for (const { file, bounds } of silent) {
      println(io.stdout, `  ${file}: ${describeBounds(bounds)}`);
      for (const s of bounds.stages) if (s.reachable && !isFinal(s)) println(io.stdout, `    ${s.stage}: ${boundText(s.week, s.month)}`);
    }
    return;
  }
  if (format === "github") {
    const base = reportBase(io);
    for (const { file, report, bounds } of silent) {
      const at = escapeProperty(annotationPath(io, file, base));
      io.stdout.write(`::notice file=${at},title=${escapeProperty("heed silent contact")}::${escapeData(describeSilentContact(report))}\n`);
      io.stdout.write(`::notice file=${at},title=${escapeProperty("heed pursuit bounds")}::${escapeData(describeBounds(bounds))}\n`);
    }
  }
}

/** A stage that allows no touch (final, or no channel): its bounds are 0 and go unsaid. */
function isFinal(s: PursuitBounds["stages"][number]): boolean {
  return s.week === 0 && s.month === 0 && s.unbounded.length === 0;
}

/** `at most 3 in 7 days, 12 in 30 days`, or `no bound`. */
function boundText(week: number | null, month: number | null): string {
  if (week === null || month === null) return "no bound (see `unbounded-pursuit`)";
  return `at most ${week} in 7 days, ${month} in 30 days`;
}

/** The policy's bounds in a line. */
function describeBounds(b: PursuitBounds): string {
  const calendars = b.explored.calendars.length > 1 ? `; calendars: ${b.explored.calendars.join(" and ")}` : "";
  const account = b.explored.account === null ? "" : "; the account's other contacts get nothing (their touches only lower the bound)";
  const explored = `${b.explored.runs} contacts driven, ${b.explored.reactions.length - 1} signals tried after every touch${calendars}${account}${b.explored.complete ? "" : "; stopped at its budget"}`;
  return `${boundText(b.week, b.month)} (${explored})`;
}

/**
 * `--format json`: the diagnostics report (`version`, `diagnostics`) with
 * the silent-contact path of each policy added as `silentContacts`.
 */
function printJson(io: CliIo, diagnostics: readonly Diagnostic[], silent: readonly SilentEntry[]): void {
  const silentContacts = silent.map(({ file, report, bounds }) => ({
    file,
    policy: report.policy,
    summary: describeSilentContact(report),
    zone: report.zone,
    start: report.start,
    horizonDays: report.horizonDays,
    totalTouches: report.totalTouches,
    finalStage: report.finalStage,
    ended: report.ended,
    endsAfterDays: report.endsAfterDays,
    busiestWindow: report.busiestWindow,
    stoppedEarly: report.run.cutShort,
    outOfBudget: report.run.outOfBudget,
    pursuitBounds: { week: bounds.week, month: bounds.month, stages: bounds.stages, explored: { ...bounds.explored, patterns: undefined } },
    visits: report.visits.map((v) => ({
      stage: v.stage,
      final: v.final,
      enteredAt: v.enteredAt,
      ...(v.leftAt === undefined ? {} : { leftAt: v.leftAt }),
      days: v.days,
      touches: v.touches,
      byChannel: v.byChannel,
    })),
  }));
  const report = { version: 1, diagnostics: sortDiagnostics(diagnostics).map(jsonDiagnostic), silentContacts };
  io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

/**
 * `heed simulate POLICY --contacts N --seed S`: simulated populations.
 *
 * @module
 */

import { hasErrors } from "../../../diagnostics.js";
import { loadPolicy } from "../../files.js";
import { escapeLines } from "../../report/index.js";
import { formatReport, MAX_TOUCHES, simulate } from "../../simulate.js";
import { FORMAT_OPTION, integerOption, UsageError } from "../args.js";
import type { CliIo } from "../io.js";
import { EXIT_FAIL, EXIT_OK, type Verb } from "../verb.js";
import { emitDiagnostics, reportFormat, withFile } from "./common.js";

/** From this many contacts on, the population is split over two worker threads. */
export const WORKER_THRESHOLD = 2000;

export const simulateVerb: Verb = {
  name: "simulate",
  summary: "drive simulated contact populations through a policy",
  usage: "heed simulate POLICY --contacts N --seed S [--horizon DAYS] [--strict] [--json]",
  details: [
    "Each contact gets a persona (silent, replies, unsubscribes, negative-reply, books-meeting,",
    "prefers-email); an eager sender proposes a touch on each channel in preference order,",
    "sends whenever allowed and, on defer, tries again at notBefore. An independent checker",
    "re-verifies every simulated history against the policy's limits.",
    "The same seed gives the same report, byte for byte.",
    "",
    `With --strict, a contact that reaches the cap of ${MAX_TOUCHES} touches before the horizon (nothing in`,
    "the policy stopped the sender) fails the run too; the report says in which stage.",
    "",
    "Exit codes: 0 no safety violation, 1 violations (or, with --strict, a contact at the touch cap)",
    "or policy errors, 2 usage errors.",
  ].join("\n"),
  options: [
    { name: "contacts", type: "string", value: "N", description: "how many contacts to simulate" },
    { name: "seed", type: "string", value: "S", description: "the seed (an integer)" },
    { name: "horizon", type: "string", value: "DAYS", description: "how long each contact is followed (default 90)" },
    { name: "workers", type: "string", value: "N", description: `worker threads (default 2 from ${WORKER_THRESHOLD} contacts, else 0)` },
    { name: "strict", type: "flag", description: `exit 1 when a contact reaches the cap of ${MAX_TOUCHES} touches` },
    { name: "json", type: "flag", description: "print the report as JSON" },
    FORMAT_OPTION,
  ],
  async run(args, io) {
    const [file, ...extra] = args.positionals;
    if (file === undefined) throw new UsageError("expected a POLICY file");
    if (extra.length > 0) throw new UsageError(`expected one POLICY file, got also \`${extra.join(" ")}\``);
    if (!args.values.has("contacts")) throw new UsageError("expected `--contacts N`");
    if (!args.values.has("seed")) throw new UsageError("expected `--seed S`");
    const contacts = integerOption(args, "contacts", undefined, 1) as number;
    const seed = integerOption(args, "seed", undefined, 0) as number;
    const horizonDays = integerOption(args, "horizon", 90, 1) as number;
    const workers = integerOption(args, "workers", contacts >= WORKER_THRESHOLD ? 2 : 0, 0) as number;
    const format = reportFormat(args);
    const json = args.flags.has("json") || format === "json";

    const loaded = loadPolicy(file, io.cwd);
    if (loaded.text === undefined) throw new UsageError(`policy file \`${file}\` not found`);
    if (loaded.policy === undefined || hasErrors(loaded.diagnostics)) {
      const errors = withFile(loaded.diagnostics.filter((d) => d.severity === "error"), file);
      emitDiagnostics(io, errors, { format, sources: new Map([[file, loaded.text]]), summary: true });
      return EXIT_FAIL;
    }
    const bar = io.stderrTTY ? progressBar(io) : undefined;
    const report = await simulate(loaded.policy, { contacts, seed, horizonDays, workers, ...(bar === undefined ? {} : { onProgress: bar }) });
    if (bar !== undefined) io.stderr.write("\r\u001b[2K");
    // The report names the policy, its stages and channels: shown with their control characters escaped.
    io.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : escapeLines(formatReport(report)));
    if (report.violationCount > 0) return EXIT_FAIL;
    if (args.flags.has("strict") && report.cutShort > 0) {
      const where = Object.entries(report.cutShortStages).map(([stage, n]) => `${n} in \`${stage}\``).join(", ");
      io.stderr.write(escapeLines(`heed simulate: --strict: ${report.cutShort} contacts reached the cap of ${MAX_TOUCHES} touches (${where}): nothing in the policy stops the sender there\n`));
      return EXIT_FAIL;
    }
    return EXIT_OK;
  },
};

/** A one-line progress bar on stderr. */
function progressBar(io: CliIo): (done: number, total: number) => void {
  let last = -1;
  return (done, total) => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    if (filled === last && done !== total) return;
    last = filled;
    io.stderr.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} contacts`);
  };
}

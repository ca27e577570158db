/**
 * The mutation test of `heed diff`: for each bundled example, single edits
 * that change a decision (each number one up and one down, each time of
 * day an hour either way, each channel of a list left out, each transition
 * sent to another stage, each comparison operator turned, each rule
 * removed, each edit of the holiday calendar and of the declarations; see
 * `mutations.ts`) are all
 * reported, each with a history that is replayed here through `evaluate()`
 * on both versions (with the touches to the account's other contacts, for
 * limits across an account); edits that keep every decision (reordering
 * rules and declarations, reformatting, comments) report none.
 *
 * An edit reported as changing nothing must be one of the few listed
 * below, each with the reason no decision can change. Edits that leave a
 * policy with errors (a transition to the stage it is in, a count below
 * zero) are left out. The examples with more than {@link CAP} valid edits
 * are tested on {@link CAP} of them, evenly spaced through the list (every
 * kind of edit is among them), and every edit of the calendar and of the
 * declarations besides (each declaration edit refuses some contact or
 * signal the old version accepts, or the reverse, so none is equivalent);
 * `HEED_MUTATIONS=all npx vitest run test/analysis/diff-mutations.test.ts`
 * tests every edit (minutes rather than seconds, so not in CI).
 */

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import type { Policy } from "../../src/ast.js";
import { diffPolicies, type DiffChange } from "../../src/analysis/diff.js";
import { validatePolicy } from "../../src/checks/index.js";
import { HeedInputError } from "../../src/diagnostics.js";
import { compile } from "../../src/engine/index.js";
import { formatPolicy } from "../../src/parser/format.js";
import { parsePolicy } from "../../src/parser/index.js";
import { mutants, type Mutant } from "./mutations.js";

const EXAMPLES = join(import.meta.dirname, "..", "..", "examples");
const ALL = process.env.HEED_MUTATIONS === "all";
const CAP = ALL ? Number.POSITIVE_INFINITY : 40;

/** Edits that change no decision, and why. */
const EQUIVALENT: Record<string, Record<string, string>> = {
  "inbound.heed": {
    // calendar invites need a reply (`no-cold-invites`), and every reply moves the contact out of prospecting
    "stages.0.allow: without calendar-invite": "no calendar invite can be allowed in prospecting",
    // with at least 2 business days between touches, no 7 (or 8, 6) days hold more than 3 touches, nor a day two
    "rules.6.count: 3 -> 4": "2 business days between touches keep 3 within any 7 days",
    "rules.6.window.amount: 7 -> 6": "2 business days between touches keep 3 within any 7 days",
    "rules.6 removed": "2 business days between touches keep 3 within any 7 days",
    "rules.7.count: 1 -> 2": "2 business days between touches keep one call a day",
    "rules.7.channels: call -> email": "2 business days between touches keep one email a day",
    "rules.7 removed": "2 business days between touches keep one call a day",
    // no stage allows sms
    "rules.9.channels: without sms": "no stage allows sms",
  },
  "content-reader.heed": {
    "stages.0.allow: without calendar-invite": "no calendar invite can be allowed in prospecting: it needs a reply, which leaves prospecting",
  },
};

function load(file: string): Policy {
  const { policy, diagnostics } = parsePolicy(readFileSync(join(EXAMPLES, file), "utf8"), { file });
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return policy!;
}

/** Evenly spaced, at most `cap`. */
function spread<T>(items: readonly T[], cap: number): T[] {
  if (items.length <= cap) return [...items];
  return Array.from({ length: cap }, (_, i) => items[Math.floor((i * items.length) / cap)]!);
}

/** The change's counterexample replayed on both versions: the answers differ as reported, and the old version allowed every touch of the history. */
function confirm(before: Policy, after: Policy, change: DiffChange, label: string): void {
  const engines = [compile(before), compile(after)];
  const touch = { ...change.touch, channel: change.channel ?? before.channels[0]!.name };
  const input = { contact: change.contact, history: change.history, touch, at: change.at, ...(change.account === undefined ? {} : { account: change.account }) };
  // a policy that refuses the contact (a holiday region read from an attribute that holds none) answers `refused (CODE)`
  const answer = (e: (typeof engines)[number]): string | undefined => {
    try {
      const d = e.evaluate(input);
      return change.kind === "verdict" ? d.verdict : change.kind === "notBefore" ? d.notBefore : d.stage;
    } catch (error) {
      if (error instanceof HeedInputError) return `refused (${error.code})`;
      throw error;
    }
  };
  expect(engines.map(answer), label).toEqual([change.before, change.after]);
  expect(change.before, label).not.toBe(change.after);
  change.history.forEach((event, i) => {
    if (event.type !== "touch") return;
    const d = engines[0]!.evaluate({ ...input, history: change.history.slice(0, i), touch: { channel: String(event.channel) }, at: event.at });
    expect(d.verdict, `${label}: touch ${i} of the history`).toBe("allow");
  });
  // each touch to another contact of the account: a first touch to a contact of its own, allowed by the old version
  // given every touch to the account before it (the contact's and the others')
  (change.account ?? []).forEach((event, i) => {
    const before = [...change.history.filter((e) => e.type === "touch" && e.at <= event.at), ...change.account!.slice(0, i)];
    const other = { ...change.contact, id: `other-${i}` };
    const d = engines[0]!.evaluate({ contact: other, history: [], touch: { channel: String(event.channel) }, at: event.at, account: before });
    expect(d.verdict, `${label}: account touch ${i}`).toBe("allow");
  });
}

const files = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith(".heed"))
  .sort();

describe("heed diff reports every single edit that changes a decision", () => {
  it.each(files)("%s", (file) => {
    const policy = load(file);
    const valid = mutants(policy).filter((m) => !validatePolicy(m.policy).some((d) => d.severity === "error"));
    // the calendar's and the declarations' edits are few: every one of them, beside the others evenly spaced
    const few = (m: Mutant): boolean => m.kind === "calendar" || m.kind === "declaration";
    const chosen: Mutant[] = [...spread(valid.filter((m) => !few(m)), CAP), ...valid.filter(few)];
    expect(new Set(chosen.map((m) => m.kind)).size).toBeGreaterThanOrEqual(4);
    const unreported: string[] = [];
    for (const mutant of chosen) {
      const report = diffPolicies(policy, mutant.policy, { stopAfter: 1 });
      const change = report.changes[0];
      if (change === undefined) {
        unreported.push(mutant.label);
        continue;
      }
      confirm(policy, mutant.policy, change, `${file}: ${mutant.label}`);
      expect(change.causes.length, mutant.label).toBeGreaterThan(0);
    }
    const expected = Object.keys(EQUIVALENT[file] ?? {}).filter((label) => chosen.some((m) => m.label === label));
    expect(unreported.sort()).toEqual(expected.sort());
  }, ALL ? 3_600_000 : 240_000);
});

describe("heed diff reports no change for edits that keep every decision", () => {
  it.each(files)("%s: rules reordered, reformatted, commented", (file) => {
    const text = readFileSync(join(EXAMPLES, file), "utf8");
    const policy = load(file);
    const reordered: Policy = {
      ...policy,
      rules: [...policy.rules].reverse(),
      stages: policy.stages.map((s) => ({ ...s, rules: [...s.rules].reverse() })),
      // declarations reordered too: by name, their order decides nothing
      ...(policy.attributes === undefined ? {} : { attributes: { ...policy.attributes, declarations: [...policy.attributes.declarations].reverse() } }),
      ...(policy.signals === undefined
        ? {}
        : { signals: { ...policy.signals, declarations: [...policy.signals.declarations].reverse().map((d) => ({ ...d, props: [...d.props].reverse() })) } }),
    };
    const formatted = parsePolicy(formatPolicy(policy), { file }).policy!;
    const commented = parsePolicy(text.replace(/\n/g, "\n# a comment\n").replace(/\{\n/g, "{ # opened\n"), { file }).policy!;
    const indented = parsePolicy(text.replace(/\n {2}/g, "\n      "), { file }).policy!;
    for (const [label, other] of [
      ["reordered", reordered],
      ["formatted", formatted],
      ["commented", commented],
      ["indented", indented],
    ] as const) {
      const report = diffPolicies(policy, other);
      expect(report.changes, `${file} ${label}`).toEqual([]);
      expect(report.structure, `${file} ${label}`).toEqual([]);
      expect(report.explored.complete).toBe(true);
    }
  }, 120_000);
});

/**
 * No bundled example limits touches `across account`: the edits of a small
 * policy that does. Its own limit keeps the contact to one touch a week, so
 * the account's weekly cap is reached only with touches to the account's
 * other contacts: a change of it must be shown with them.
 */
describe("heed diff reports every edit of a limit across an account, with the account's other touches", () => {
  const text = `cadence "account-caps" {
  timezone from contact.timezone else "America/New_York"
  channels email, call, sms
  rule own-pace: at most 1 touches per week
  rule team-week: at most 2 email, call per week across account
  rule team-fortnight: at most 3 touches per 14 days across account
}
`;
  const policy = parsePolicy(text, { file: "account-caps.heed" }).policy!;
  const edited = (label: string, from: string, to: string): Mutant => {
    expect(text).toContain(from);
    return { label, kind: "number", policy: parsePolicy(text.replace(from, to), { file: "account-caps.heed" }).policy! };
  };
  it("each number, channel and window of the caps, each cap removed, `across account` dropped", () => {
    const valid = [
      ...mutants(policy),
      edited("team-week: per week -> per day", "2 email, call per week across", "2 email, call per day across"),
      edited("team-week: per week -> per 7 days", "2 email, call per week across", "2 email, call per 7 days across"),
      edited("team-week: email, call -> touches", "2 email, call per", "2 touches per"),
      edited("team-week: across account dropped", "per week across account", "per week"),
      edited("team-fortnight: across account dropped", "per 14 days across account", "per 14 days"),
    ].filter((m) => !validatePolicy(m.policy).some((d) => d.severity === "error"));
    expect(valid.length).toBeGreaterThanOrEqual(15);
    for (const mutant of valid) {
      const report = diffPolicies(policy, mutant.policy, { stopAfter: 1 });
      const change = report.changes[0];
      expect(change, mutant.label).toBeDefined();
      confirm(policy, mutant.policy, change!, mutant.label);
      expect(report.explored.account).toBe(true);
      // the weekly cap of 2 is out of the contact's own reach (one touch a week): its changes need the others' touches
      if (/rules\.1|team-week/.test(mutant.label)) expect(change!.account?.length ?? 0, mutant.label).toBeGreaterThan(0);
    }
  }, 120_000);
});

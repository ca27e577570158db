import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import type { Policy } from "../../src/ast.js";
import { diffPolicies, type DiffChange } from "../../src/analysis/diff.js";
import { compile } from "../../src/engine/index.js";
import { parsePolicy } from "../../src/parser/index.js";

const root = join(import.meta.dirname, "..", "..");
const inboundText = readFileSync(join(root, "examples", "inbound.heed"), "utf8");

/** The 1-based line of the first occurrence of `needle`. */
function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split("\n").length;
}

function load(text: string, file = "t.heed"): Policy {
  const { policy, diagnostics } = parsePolicy(text, { file });
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return policy!;
}

const small = (after: string, extra = "") => `cadence "small" {
  timezone from contact.timezone else "UTC"
  channels email, call
  start stage prospecting {
    allow email, call
    after ${after} ignored touches move to nurture
  }
  stage nurture {
    allow email
    after 30 days move to closed
  }
  final stage closed
${extra}}
`;

/** Replays a change's counterexample on both policies: the answers are the ones reported, and every touch of the history was allowed by the old policy. */
function replay(before: Policy, after: Policy, change: DiffChange): void {
  const engines = [compile(before), compile(after)];
  const touch = { ...change.touch, channel: change.channel ?? "email" };
  const answers = engines.map((e) => e.evaluate({ contact: change.contact, history: change.history, touch, at: change.at }));
  const pick = (d: (typeof answers)[number]) => (change.kind === "verdict" ? d.verdict : change.kind === "notBefore" ? d.notBefore : d.stage);
  expect([pick(answers[0]!), pick(answers[1]!)]).toEqual([change.before, change.after]);
  change.history.forEach((event, i) => {
    if (event.type !== "touch") return;
    const d = engines[0]!.evaluate({ contact: change.contact, history: change.history.slice(0, i), touch: { channel: String(event.channel) }, at: event.at });
    expect(d.verdict).toBe("allow");
  });
}

describe("diffPolicies", () => {
  it("reports the quiet-hours change of the inbound example with the line that changed, on a history the old policy allows", () => {
    const before = load(inboundText, "inbound.heed");
    const after = load(inboundText.replace("quiet hours 21:00 to 08:00 for call, sms", "quiet hours 20:00 to 08:00 for call, sms"), "new.heed");
    const report = diffPolicies(before, after);
    expect(report.same).toBe(false);
    expect(report.structure).toEqual([
      expect.objectContaining({
        kind: "changed",
        what: "rule",
        summary: "changed `quiet hours 21:00 to 08:00 for call, sms` to `quiet hours 20:00 to 08:00 for call, sms`",
        new: { text: "quiet hours 20:00 to 08:00 for call, sms", span: expect.objectContaining({ line: lineOf(inboundText, "quiet hours 21:00"), column: 3 }) },
      }),
    ]);
    const refused = report.changes.find((c) => c.direction === "newly-refused" && c.channel === "call");
    expect(refused).toMatchObject({ before: "allow", after: "defer", causes: [0], history: [] });
    expect(refused?.message).toBe("now defers `call` where it allowed, with no history; `call` proposed on Mon 2026-01-05 20:00");
    for (const change of report.changes) replay(before, after, change);
    expect(report.explored).toMatchObject({ complete: true, depth: 1 });
    expect(report.explored.boundaries).toEqual(expect.arrayContaining(["20:00 local", "21:00 local", "08:00 local", "local midnight", "holiday 2026-11-26"]));
    expect(report.explored.starts.some((s) => s.includes("the other daylight-saving offset"))).toBe(true);
  }, 120_000);

  it("reports `after 2` versus `after 3 ignored touches` with touches two business days apart, as the old policy allows them", () => {
    const before = load(inboundText, "inbound.heed");
    const after = load(inboundText.replace("after 2 ignored touches move to nurture", "after 3 ignored touches move to nurture"), "inbound3.heed");
    const report = diffPolicies(before, after);
    const call = report.changes.find((c) => c.kind === "verdict" && c.channel === "call" && c.before === "deny" && c.after === "allow");
    expect(call?.direction).toBe("newly-allowed");
    // two touches cannot share an instant under `at least 2 business days between touches`
    expect(new Set(call!.history.map((e) => e.at)).size).toBe(call!.history.length);
    const stage = report.changes.find((c) => c.kind === "stage" && c.before === "nurture" && c.after === "prospecting");
    expect(stage).toBeDefined();
    for (const change of report.changes) replay(before, after, change);
  }, 120_000);

  it("finds no difference between identical policies, and says the exploration was skipped", () => {
    const a = load(inboundText, "a.heed");
    const b = load(`# the same policy, reformatted\n${inboundText.replace(/\n  /g, "\n    ")}`, "b.heed");
    expect(diffPolicies(a, b)).toMatchObject({ same: true, changes: [], structure: [], explored: { histories: 0 } });
  });

  it("finds no difference between policies written differently that decide alike, and says nothing was left out", () => {
    const a = load(small("2", "  at most 1 call per day\n  at most 3 touches per 7 days\n"));
    const b = load(small("2", "  at most 3 touches per 7 days\n  at most 1 call per day\n"));
    const report = diffPolicies(a, b);
    expect(report.changes).toEqual([]);
    expect(report.structure).toEqual([]);
    expect(report.explored.complete).toBe(true);
    expect(report.explored.histories).toBeGreaterThan(20);
  });

  it("says when the exploration stopped at its limit", () => {
    const report = diffPolicies(load(small("1")), load(small("2")), { maxHistories: 3 });
    expect(report.explored.complete).toBe(false);
  });

  it("groups what the new policy newly allows apart from what it newly refuses", () => {
    const a = load(small("1"));
    const b = load(small("2"));
    const forward = diffPolicies(a, b);
    const backward = diffPolicies(b, a);
    expect(forward.changes.some((c) => c.direction === "newly-allowed" && c.channel === "call")).toBe(true);
    expect(backward.changes.some((c) => c.direction === "newly-refused" && c.channel === "call")).toBe(true);
    for (const c of forward.changes) replay(a, b, c);
    for (const c of backward.changes) replay(b, a, c);
  });

  it("names each edit that causes a change when several lines changed", () => {
    const a = load(small("2", "  at most 2 emails per 7 days\n"));
    const b = load(small("3", "  at most 2 emails per 7 days\n  quiet hours 20:00 to 08:00 for call\n"));
    const report = diffPolicies(a, b);
    expect(report.structure.map((e) => e.summary)).toEqual([
      "changed `after 2 ignored touches move to nurture` to `after 3 ignored touches move to nurture` in stage `prospecting`",
      "added `quiet hours 20:00 to 08:00 for call`",
    ]);
    const quiet = report.changes.find((c) => c.channel === "call" && c.history.length === 0 && c.direction === "newly-refused");
    expect(quiet?.causes).toEqual([1]);
    const stage = report.changes.find((c) => c.kind === "stage");
    expect(stage?.causes).toEqual([0]);
  });
});

describe("diffPolicies with attributes, touch props and tags", () => {
  it("finds a change that only shows for a contact attribute the policies test", () => {
    const a = load(small("2", '  never call when contact.role == "analyst"\n'));
    const b = load(small("2", '  never call when contact.role == "student"\n'));
    const report = diffPolicies(a, b);
    const change = report.changes.find((c) => c.variant?.label === 'a contact with `role` "analyst"');
    expect(change?.message).toBe('now allows `call` where it denied for a contact with `role` "analyst", with no history; `call` proposed on Mon 2026-01-05 10:00');
    for (const c of report.changes) replay(a, b, c);
  });

  it("finds a change that only shows for a value the condition does not compare with", () => {
    const a = load(small("2", '  never call when exists contact.role and contact.role != "analyst"\n'));
    const b = load(small("2", '  never call when contact.role == "student"\n'));
    const report = diffPolicies(a, b);
    expect(report.changes.map((c) => [c.variant?.label, c.before, c.after])).toEqual([['a contact with `role` "other"', "deny", "allow"]]);
  });

  it("tries only the values a declared attribute may take, and a declared choice no condition compares with", () => {
    const declared = '  attributes {\n    role: "analyst" | "student" | "marketer"\n  }\n';
    const a = load(small("2", `${declared}  never call when exists contact.role and contact.role != "analyst"\n`));
    const b = load(small("2", `${declared}  never call when contact.role == "student"\n`));
    const report = diffPolicies(a, b);
    expect(report.explored.variants.some((v) => v.includes('"other"'))).toBe(false);
    expect(report.changes.map((c) => [c.variant?.label, c.before, c.after])).toEqual([['a contact with `role` "marketer"', "deny", "allow"]]);
    for (const c of report.changes) replay(a, b, c);
  });

  it("finds a change that only shows for a tagged touch", () => {
    const a = load(small("2"));
    const b = load(small("2", '  never any tagged "meeting-ask" when total_touches == 0\n'));
    const report = diffPolicies(a, b);
    const change = report.changes.find((c) => c.variant?.touch?.tags !== undefined && c.channel === "email");
    expect(change?.message).toBe('now denies `email` where it allowed for a touch tagged "meeting-ask", with no history; `email` proposed on Mon 2026-01-05 10:00');
    for (const c of report.changes) replay(a, b, c);
  });
});

describe("heed diff over holiday calendars", () => {
  const floridaText = readFileSync(join(root, "examples", "florida-telemarketing.heed"), "utf8");

  it("a holiday listed beside `holidays from` in the Florida example: calls on that day, for a contact the policy applies to", () => {
    const before = load(floridaText, "old.heed");
    const text = floridaText.replace(/( {2}holidays from .*\n)/, "$1  holidays 2026-03-10\n");
    const after = load(text, "new.heed");
    const report = diffPolicies(before, after);
    const onTheDay = report.changes.find((c) => c.at.startsWith("2026-03-10") && c.channel === "call" && c.before === "allow");
    expect(onTheDay).toBeDefined();
    expect(onTheDay!.contact.attributes).toMatchObject({ state: "FL" });
    expect(onTheDay!.after).not.toBe("allow");
    replay(before, after, onTheDay!);
    expect(onTheDay!.causes.map((i) => report.structure[i]!.new?.span?.line)).toEqual([lineOf(text, "holidays 2026-03-10")]);
  });
});

describe("heed diff over declarations", () => {
  const declared = (attributes: string, signals = "") =>
    small("2", `  attributes {\n${attributes}  }\n${signals === "" ? "" : `  signals {\n${signals}  }\n`}`);

  /** Evaluates a change's counterexample on both policies: OLD answers as reported and NEW refuses with the reported code, or the reverse. */
  function replayRefusal(before: Policy, after: Policy, change: DiffChange): void {
    const answer = (policy: Policy): string => {
      try {
        return compile(policy).evaluate({ contact: change.contact, history: change.history, touch: { ...change.touch, channel: change.channel ?? "email" }, at: change.at }).verdict;
      } catch (error) {
        return `refused (${(error as { code: string }).code})`;
      }
    };
    expect([answer(before), answer(after)]).toEqual([change.before, change.after]);
  }

  it("reports a choice narrowed with the value OLD accepts and NEW refuses, and the declaration that changed", () => {
    const text = declared('    role: "analyst"\n');
    const before = load(declared('    role: "analyst" | "student"\n'), "old.heed");
    const after = load(text, "new.heed");
    const report = diffPolicies(before, after);
    expect(report.same).toBe(false);
    expect(report.changes).toHaveLength(1);
    const change = report.changes[0]!;
    expect(change).toMatchObject({ kind: "verdict", direction: "newly-refused", channel: "email", before: "allow", after: "refused (invalid-attribute)", history: [] });
    expect(change.contact.attributes).toEqual({ role: "student" });
    expect(change.message).toBe(
      'now refuses the contact where it allowed `email` (`invalid-attribute`: `contact.attributes.role` must be one of `"analyst"` (as the policy declares it), got `student`) for a contact with `role` "student", with no history; `email` proposed on Mon 2026-01-05 10:00',
    );
    replayRefusal(before, after, change);
    expect(change.causes.map((i) => report.structure[i]!.new?.span?.line)).toEqual([lineOf(text, 'role: "analyst"')]);
    expect(report.structure).toEqual([
      expect.objectContaining({ kind: "changed", what: "declaration", summary: 'changed `role: "analyst" | "student"` to `role: "analyst"` in `attributes`' }),
    ]);
    expect(report.explored.declarations).toEqual(['a contact with `role` "student" (refused by NEW)']);
  }, 60_000);

  it("reports an attribute newly declared, undeclared, and its type changed, each way", () => {
    const before = load(declared("    role: string\n    score: number\n"));
    const after = load(declared("    role: number\n    vip: boolean\n"));
    const report = diffPolicies(before, after);
    const refusals = report.changes.map((c) => [c.direction, Object.entries(c.contact.attributes ?? {})[0], c.before, c.after]);
    expect(refusals).toEqual(
      expect.arrayContaining([
        ["newly-refused", ["role", "other"], "allow", "refused (invalid-attribute)"],
        ["newly-allowed", ["role", 0], "refused (invalid-attribute)", "allow"],
        ["newly-allowed", ["score", "other"], "refused (invalid-attribute)", "allow"],
        ["newly-refused", ["vip", "other"], "allow", "refused (invalid-attribute)"],
      ]),
    );
    for (const change of report.changes) replayRefusal(before, after, change);
  }, 60_000);

  it("reports a signal's prop type changed with the event OLD accepts and NEW refuses", () => {
    const before = load(declared("    role: string\n", '    reply { sentiment: "positive" | "negative" | "neutral" }\n'));
    const after = load(declared("    role: string\n", '    reply { sentiment: "positive" | "negative" }\n'));
    const report = diffPolicies(before, after);
    const change = report.changes.find((c) => c.after === "refused (invalid-event)");
    expect(change).toMatchObject({ direction: "newly-refused", before: "allow", history: [expect.objectContaining({ type: "reply", sentiment: "neutral" })] });
    expect(change!.message).toContain("now refuses the history where it allowed `email` (`invalid-event`: `history[0].sentiment` must be one of");
    replayRefusal(before, after, change!);
  }, 60_000);

  it("reports no change for declarations only reordered", () => {
    const before = load(declared("    role: string\n    score: number\n"));
    const after = load(declared("    score: number\n    role: string\n"));
    expect(diffPolicies(before, after).same).toBe(true);
  }, 60_000);
});

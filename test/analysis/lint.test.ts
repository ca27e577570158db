import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { analyzePolicy } from "../../src/analysis/lint.js";
import { parsePolicy } from "../../src/parser/index.js";
import { policyArbitrary } from "../reference/arbitraries.js";

/**
 * Parses a DSL policy that must have no error, and returns the analysis warnings as `line:column code: message`.
 * These policies set no limits: their `unbounded-pursuit` warnings are left out (see test/analysis/bounds.test.ts).
 */
function warnings(body: string, options: Parameters<typeof analyzePolicy>[1] = {}): string[] {
  const text = `cadence "t" {\n  timezone from contact.timezone else "UTC"\n  channels email, call, sms\n${body}\n}\n`;
  const { policy, diagnostics } = parsePolicy(text, { file: "t.heed" });
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  if (policy === undefined) throw new Error("no policy");
  return analyzePolicy(policy, options)
    .filter((d) => d.code !== "unbounded-pursuit")
    .map((d) => `${d.span?.line}:${d.span?.column} ${d.code}: ${d.message}`);
}

function codes(body: string): string[] {
  return warnings(body).map((w) => w.split(" ")[1]!.replace(/:$/, ""));
}

const STAGES = `
  start stage prospecting {
    after 2 ignored touches move to nurture
    on reply move to closed
  }
  stage nurture {
    allow email
    after 90 days move to closed
  }
  final stage closed
`;

describe("analyzePolicy", () => {
  it("is silent on a sound policy", () => {
    expect(warnings(STAGES)).toEqual([]);
  });

  it("warns about a misspelled signal, suggesting the built-in one", () => {
    expect(warnings(`${STAGES}  on rpely move to closed`)).toEqual([
      "14:6 unknown-signal: unknown signal `rpely` (did you mean `reply`?)",
    ]);
  });

  it("accepts a custom signal declared as known, or in a `signals` block; used twice, it is still unknown (spec 8.1)", () => {
    expect(codes(`${STAGES}  on demo_request move to closed\n  never call without demo_request`)).toEqual(["unknown-signal", "unknown-signal"]);
    expect(codes(`${STAGES}  signals { demo_request }\n  on demo_request move to closed\n  never call without demo_request`)).toEqual([]);
    expect(warnings(`${STAGES}  on demo_request move to closed`, { knownSignals: ["demo_request"] })).toEqual([]);
    expect(codes(`${STAGES}  on demo_request move to closed`)).toEqual(["unknown-signal"]);
  });

  it("warns about a stage nothing leads to", () => {
    expect(warnings(`${STAGES}  stage orphan {\n    allow email\n    after 3 days move to closed\n  }`)).toEqual([
      "14:9 unreachable-stage: stage `orphan` can never be reached from the start stage `prospecting`",
    ]);
  });

  it("warns about a non-final stage with no way out, but not when a policy-wide transition leaves it", () => {
    const stuck = `
  start stage prospecting {
    on reply move to engaged
  }
  stage engaged { allow email }
`;
    expect(warnings(stuck)).toEqual(["8:9 no-way-out: stage `engaged` is not final but has no transition out of it"]);
    expect(codes(`${stuck}  final stage closed\n  on unsubscribe move to closed`)).toEqual([]);
  });

  it("warns about a transition shadowed by an earlier one on the same trigger", () => {
    const body = `
  start stage prospecting {
    on reply move to engaged
    on reply where sentiment == "negative" move to closed
    after 2 ignored touches move to closed
    after 3 ignored touches move to engaged
  }
  stage engaged { after 30 days move to closed }
  final stage closed
`;
    expect(warnings(body)).toEqual([
      '7:5 shadowed-transition: `on reply where sentiment == "negative" move to closed` can never fire: `on reply move to engaged` always fires first',
      "9:5 shadowed-transition: `after 3 ignored touches move to engaged` can never fire: `after 2 ignored touches move to closed` always fires first",
    ]);
    const fixed = `
  start stage prospecting {
    on reply where sentiment == "negative" move to closed
    on reply move to engaged
    after 2 ignored touches move to closed
    after 3 touches move to engaged
  }
  stage engaged { after 30 days move to closed }
  final stage closed
`;
    expect(codes(fixed)).toEqual([]);
  });

  it("warns about the longer of two `after DURATION` transitions, whatever their order", () => {
    const body = `
  start stage prospecting {
    after 180 days move to closed
    after 90 days move to closed
  }
  final stage closed
`;
    expect(warnings(body)).toEqual([
      "6:5 shadowed-transition: `after 180 days move to closed` can never fire: `after 90 days move to closed` always fires first",
    ]);
  });

  it("warns about a policy-wide transition that every stage overrides", () => {
    const body = `
  start stage a {
    on reply move to b
  }
  stage b {
    on reply move to closed
  }
  final stage closed
  on reply move to closed
`;
    expect(codes(body)).toEqual(["shadowed-transition"]);
    expect(codes(body.replace("  stage b {\n    on reply move to closed\n  }", "  stage b { after 3 days move to closed }"))).toEqual([]);
  });

  it("warns about a channel allowed in a stage but always denied there", () => {
    const body = `
  start stage a {
    allow email, call
    never call when touches >= 0
    after 3 days move to closed
  }
  final stage closed
`;
    expect(warnings(body)).toEqual([
      "7:5 dead-channel: `call` is allowed in stage `a` but a rule always denies it there: its condition always holds",
    ]);
    expect(codes(body.replace("touches >= 0", "touches >= 2"))).toEqual([]);
  });

  it("warns about a channel denied after the only signal that leads into its stage", () => {
    const body = `
  start stage a {
    on reply move to engaged
  }
  stage engaged {
    allow email, call
    never call after reply
    after 30 days move to closed
  }
  final stage closed
`;
    expect(codes(body)).toEqual(["dead-channel"]);
    expect(codes(body.replace("on reply move to engaged", "on reply move to engaged\n    after 3 touches move to engaged"))).toEqual([]);
  });

  it("warns when quiet hours together cover the whole day", () => {
    const body = `${STAGES}  quiet hours 20:00 to 08:00 for call\n  quiet hours 08:00 to 20:00 for call, sms`;
    expect(warnings(body)).toEqual([
      "15:3 always-quiet: quiet hours (20:00 to 08:00, 08:00 to 20:00) cover the whole day for `call`, so it can never be sent",
    ]);
    expect(codes(`${STAGES}  quiet hours 20:00 to 08:00 for call\n  quiet hours 09:00 to 20:00 for call`)).toEqual([]);
  });

  it("warns about whole-day quiet hours exactly when every minute of the day is covered (property, against counting minutes)", () => {
    const time = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 1, 15, 30, 59));
    const text = ([h, m]: [number, number]): string => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
    fc.assert(
      // quiet hours from a time to the same time are an error (`empty-quiet-hours`), never analysed
      fc.property(fc.array(fc.tuple(time, time).filter(([s, e]) => s[0] !== e[0] || s[1] !== e[1]), { minLength: 1, maxLength: 5 }), (spans) => {
        const minutes = new Set<number>();
        for (const [[sh, sm], [eh, em]] of spans) {
          for (let m = sh * 60 + sm; m !== eh * 60 + em; m = (m + 1) % 1440) minutes.add(m);
        }
        const body = `${STAGES}${spans.map(([s, e]) => `  quiet hours ${text(s)} to ${text(e)} for call\n`).join("")}`;
        expect(codes(body).includes("always-quiet")).toBe(minutes.size === 1440);
      }),
      { numRuns: 200 },
    );
  });

  it("warns about limits that can never be met", () => {
    expect(warnings(`${STAGES}  never call without reply\n  never call after reply`)).toEqual([
      "15:3 impossible-limit: `call` can never be sent: `never ... without reply` denies before `reply` and `never ... after reply` denies after it",
    ]);
    expect(codes(`${STAGES}  at least 400 days between touches`)).toEqual(["impossible-limit"]);
    expect(codes(`${STAGES}  never call without reply\n  never email after reply`)).toEqual([]);
    expect(codes(`${STAGES}  at least 30 days between touches`)).toEqual([]);
  });

  it("gives every warning a hint", () => {
    const { policy } = parsePolicy(`cadence "t" {\n  channels email\n  on rpely move to x\n  start stage a { allow email }\n  stage x { allow email }\n}\n`, { file: "t.heed" });
    const found = analyzePolicy(policy!);
    expect(found.length).toBeGreaterThan(0);
    for (const d of found) expect(d.hint).toMatch(/^[a-z`]/);
  });

  it("never throws, whatever the policy, even one with semantic errors", () => {
    fc.assert(
      fc.property(policyArbitrary, fc.constantFrom("s0", "s9", "nowhere"), (policy, target) => {
        const broken = { ...policy, transitions: [...policy.transitions, { trigger: { kind: "ignored" as const, count: 1 }, target: { name: target } }] };
        for (const p of [policy, broken]) {
          for (const d of analyzePolicy(p)) {
            expect(d.severity).toBe("warning");
            expect(d.message).not.toMatch(/\.$|\n/);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("analyzePolicy with the slow checks", () => {
  it("warns `unbounded-pursuit` as a lint check, and the slow checks add the silent contact's `silent-pursuit`, with hints in the policy's form", () => {
    const open = parsePolicy(`cadence "t" {\n  timezone from contact.timezone else "UTC"\n  channels email\n}\n`, { file: "t.heed" }).policy!;
    const lint = analyzePolicy(open);
    expect(lint.map((d) => [d.code, d.message])).toEqual([
      ["unbounded-pursuit", "nothing limits how often any contact is touched on `email` in this policy: a sender can touch a contact there without end"],
    ]);
    expect(lint[0]?.hint).toBe("add a limit such as `at most 3 touches per 7 days` or `at least 2 days between touches`");
    expect(analyzePolicy(open, { form: "yaml" })[0]?.hint).toBe("add a rule such as `{ atMost: 3, of: touches, per: 7 days }` or `{ atLeast: 2 days, between: touches }`");
    // the silent contact adds nothing where the stage has no bound at all
    expect(analyzePolicy(open, { categories: ["lint", "slow"], silent: { horizonDays: 30 } }).map((d) => d.code)).toEqual(["unbounded-pursuit"]);
    const daily = parsePolicy(`cadence "t" {\n  timezone from contact.timezone else "UTC"\n  channels email\n  at most 1 email per day\n}\n`, { file: "t.heed" }).policy!;
    expect(analyzePolicy(daily)).toEqual([]);
    const slow = analyzePolicy(daily, { categories: ["lint", "slow"], silent: { horizonDays: 30 } });
    expect(slow.map((d) => [d.code, d.message])).toEqual([
      ["silent-pursuit", expect.stringMatching(/^a silent contact gets 31 touches within 30 days \(from .+\), more than 8$/)],
      ["silent-pursuit", "a silent contact is still pursued in `active` after 30 days (31 touches there)"],
    ]);
    expect(slow[1]?.hint).toBe("add a transition out of `active`, such as `after 180 days move to closed`");
  });
});

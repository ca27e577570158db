import { describe, expect, it } from "vitest";

import { HeedInputError, HeedPolicyError } from "../../src/diagnostics.js";
import { compile, compileIr } from "../../src/engine/index.js";
import type { Contact, HistoryEvent } from "../../src/model.js";
import { parsePolicy } from "../../src/parser/index.js";
import { c, inbound, policy, r, stage, t } from "./build.js";

const NY: Contact = { id: "c1", timezone: "America/New_York" };
const ev = (type: string, when: string, extra: Record<string, unknown> = {}): HistoryEvent => ({ type, at: when, ...extra });
const touch = (channel: string, when: string): HistoryEvent => ev("touch", when, { channel });
const chans = ["email", "call"];

function stageAt(p: ReturnType<typeof policy>, history: HistoryEvent[], when: string, contact: Contact = NY): string {
  return compile(p).evaluate({ contact, history, touch: { channel: "email" }, at: when }).stage;
}

describe("ignore windows and counters", () => {
  const p = policy("p", {
    channels: chans,
    ignoreWindow: "3 days",
    stages: [stage("a", { start: true, transitions: [t.ignored(2, "nurture")] }), stage("nurture")],
  });
  const two = [touch("email", "2026-03-02T12:00:00Z"), touch("email", "2026-03-03T12:00:00Z")];

  it("counts a touch as ignored when its window ends without engagement", () => {
    expect(stageAt(p, two, "2026-03-06T11:59:59Z")).toBe("a");
    expect(stageAt(p, two, "2026-03-06T12:00:00Z")).toBe("nurture");
  });

  it("includes the window's end: an engagement at exactly the end answers it (events before timers)", () => {
    expect(stageAt(p, [...two, ev("reply", "2026-03-05T12:00:00Z")], "2026-03-10T12:00:00Z")).toBe("a");
    expect(stageAt(p, [...two, ev("reply", "2026-03-05T12:00:01Z")], "2026-03-10T12:00:00Z")).toBe("a");
  });

  it("resets the ignored streak on engagement, so only consecutive ignored touches count", () => {
    const history = [
      touch("email", "2026-03-02T12:00:00Z"),
      ev("meeting_booked", "2026-03-06T12:00:00Z"),
      touch("email", "2026-03-07T12:00:00Z"),
    ];
    expect(stageAt(p, history, "2026-03-20T12:00:00Z")).toBe("a");
  });

  it("uses the policy's own engagement signals", () => {
    const q = policy("q", {
      channels: chans,
      engagement: ["click"],
      stages: [stage("a", { start: true, transitions: [t.ignored(1, "b")] }), stage("b")],
    });
    expect(stageAt(q, [touch("email", "2026-03-02T12:00:00Z"), ev("reply", "2026-03-03T12:00:00Z")], "2026-03-09T12:00:00Z")).toBe("b");
    expect(stageAt(q, [touch("email", "2026-03-02T12:00:00Z"), ev("click", "2026-03-03T12:00:00Z")], "2026-03-09T12:00:00Z")).toBe("a");
  });

  it("counts ignore windows in business days when asked", () => {
    const q = policy("q", {
      channels: chans,
      ignoreWindow: "1 business day",
      stages: [stage("a", { start: true, transitions: [t.ignored(1, "b")] }), stage("b")],
    });
    // Friday noon: the window ends Monday noon New York time.
    const h = [touch("email", "2026-03-06T12:00:00-05:00")];
    expect(stageAt(q, h, "2026-03-09T11:59:00-04:00")).toBe("a");
    expect(stageAt(q, h, "2026-03-09T12:00:00-04:00")).toBe("b");
  });

  it("drops pending windows on entering a stage and resets stage counters", () => {
    const q = policy("q", {
      channels: chans,
      stages: [
        stage("a", { start: true, transitions: [t.touches(2, "b")] }),
        stage("b", { transitions: [t.ignored(1, "c"), t.when(c.ge("total_touches", 4), "d")] }),
        stage("c"),
        stage("d"),
      ],
    });
    const h = [touch("email", "2026-03-02T12:00:00Z"), touch("email", "2026-03-02T13:00:00Z")];
    // The two touches of stage a are never counted as ignored in b.
    expect(stageAt(q, h, "2026-03-20T12:00:00Z")).toBe("b");
    const more = [...h, touch("email", "2026-03-03T12:00:00Z")];
    expect(stageAt(q, more, "2026-03-06T12:00:00Z")).toBe("c");
  });
});

describe("transitions", () => {
  it("after N touches counts touches in the stage", () => {
    const p = policy("p", { channels: chans, stages: [stage("a", { start: true, transitions: [t.touches(2, "b")] }), stage("b")] });
    expect(stageAt(p, [touch("email", "2026-03-02T12:00:00Z")], "2026-03-03T12:00:00Z")).toBe("a");
    expect(stageAt(p, [touch("email", "2026-03-02T12:00:00Z"), touch("call", "2026-03-02T13:00:00Z")], "2026-03-02T13:00:00Z")).toBe("b");
  });

  it("after DURATION fires at entry + D, entry being the first event", () => {
    const p = policy("p", { channels: chans, stages: [stage("a", { start: true, transitions: [t.elapsed("180 days", "b")] }), stage("b")] });
    const h = [ev("signup", "2026-01-01T00:00:00Z")];
    expect(stageAt(p, h, "2026-06-29T23:59:59Z")).toBe("a");
    expect(stageAt(p, h, "2026-06-30T00:00:00Z")).toBe("b");
  });

  it("on SIGNAL where COND tests the signal's props and the contact", () => {
    const p = policy("p", {
      channels: chans,
      stages: [
        stage("a", { start: true, transitions: [t.on("reply", "vip", c.and(c.eq("intent", "buy"), c.eq("contact.tier", "gold"))), t.on("reply", "b")] }),
        stage("b"),
        stage("vip"),
      ],
    });
    const gold = { ...NY, attributes: { tier: "gold" } };
    expect(stageAt(p, [ev("reply", "2026-03-02T12:00:00Z", { intent: "buy" })], "2026-03-03T12:00:00Z", gold)).toBe("vip");
    expect(stageAt(p, [ev("reply", "2026-03-02T12:00:00Z", { intent: "buy" })], "2026-03-03T12:00:00Z")).toBe("b");
  });

  it("tries the stage's transitions in source order, then the policy-wide ones", () => {
    const p = policy("p", {
      channels: chans,
      stages: [stage("a", { start: true, transitions: [t.on("purchase", "customer")] }), stage("customer"), stage("closed", { final: true })],
      transitions: [t.on("purchase", "closed"), t.on("unsubscribe", "closed")],
    });
    expect(stageAt(p, [ev("purchase", "2026-03-02T12:00:00Z")], "2026-03-03T12:00:00Z")).toBe("customer");
    expect(stageAt(p, [ev("unsubscribe", "2026-03-02T12:00:00Z")], "2026-03-03T12:00:00Z")).toBe("closed");
  });

  it("never leaves a final stage", () => {
    const p = policy("p", {
      channels: chans,
      stages: [stage("a", { start: true }), stage("closed", { final: true }), stage("won")],
      transitions: [t.on("unsubscribe", "closed"), t.on("purchase", "won")],
    });
    expect(stageAt(p, [ev("unsubscribe", "2026-03-02T12:00:00Z"), ev("purchase", "2026-03-03T12:00:00Z")], "2026-03-04T12:00:00Z")).toBe("closed");
  });

  it("tries when transitions at entry and after every event, in a bounded chain", () => {
    const p = policy("p", {
      channels: chans,
      stages: [
        stage("a", { start: true, transitions: [t.when(c.eq("contact.vip", true), "b")] }),
        stage("b", { transitions: [t.when(c.eq("contact.vip", true), "c")] }),
        stage("c", { transitions: [t.when(c.ge("total_touches", 1), "d")] }),
        stage("d", { transitions: [t.when(c.ge("total_touches", 0), "c")] }),
      ],
    });
    expect(stageAt(p, [], "2026-03-03T12:00:00Z", { ...NY, attributes: { vip: true } })).toBe("c");
    // c and d would bounce for ever: the chain stops after a bounded number of hops, deterministically.
    const a = compile(p).evaluate({ contact: { ...NY, attributes: { vip: true } }, history: [touch("email", "2026-03-02T12:00:00Z")], touch: { channel: "email" }, at: "2026-03-03T12:00:00Z" });
    const b = compile(p).evaluate({ contact: { ...NY, attributes: { vip: true } }, history: [touch("email", "2026-03-02T12:00:00Z")], touch: { channel: "email" }, at: "2026-03-03T12:00:00Z" });
    expect(["c", "d"]).toContain(a.stage);
    expect(b).toEqual(a);
  });

  it("processes events before timers due at the same instant", () => {
    const p = policy("p", {
      channels: chans,
      stages: [
        stage("a", { start: true, transitions: [t.elapsed("1 day", "late"), t.on("reply", "replied")] }),
        stage("late"),
        stage("replied"),
      ],
    });
    const h = [ev("signup", "2026-03-02T12:00:00Z"), ev("reply", "2026-03-03T12:00:00Z")];
    expect(stageAt(p, h, "2026-03-03T12:00:00Z")).toBe("replied");
  });
});

describe("more transition semantics", () => {
  it("after N business days keeps the local time and skips weekends and holidays", () => {
    const p = policy("p", {
      channels: chans,
      holidays: ["2026-03-09"],
      stages: [stage("a", { start: true, transitions: [t.elapsed("1 business day", "b")] }), stage("b")],
    });
    // Friday 10:00 New York; Monday is a holiday: Tuesday 10:00 (now EDT).
    const h = [ev("signup", "2026-03-06T10:00:00-05:00")];
    expect(stageAt(p, h, "2026-03-10T09:59:00-04:00")).toBe("a");
    expect(stageAt(p, h, "2026-03-10T10:00:00-04:00")).toBe("b");
  });

  it("a business-day timer without a zone never fires and touches in its stage are denied", () => {
    const p = policy("p", {
      channels: chans,
      stages: [stage("a", { start: true, transitions: [t.elapsed("1 business day", "b")] }), stage("b")],
    });
    const d = compile(p).evaluate({ contact: { id: "x" }, history: [ev("signup", "2026-03-02T10:00:00Z")], touch: { channel: "email" }, at: "2026-03-20T10:00:00Z" });
    expect(d).toMatchObject({ verdict: "deny", stage: "a" });
    expect(d.reasons).toMatchObject([{ rule: "policy.timezone", code: "unknown-timezone" }]);
  });

  it("tries `when` over time in stage at the next event or timer, not continuously", () => {
    const p = policy("p", {
      channels: chans,
      stages: [
        stage("a", { start: true, transitions: [t.when({ kind: "compare", op: ">=", left: { kind: "path", segments: ["time_in_stage"] }, right: { kind: "duration", amount: 2, unit: "days" } }, "b")] }),
        stage("b"),
      ],
    });
    const h = [ev("signup", "2026-03-02T10:00:00Z")];
    expect(stageAt(p, h, "2026-03-10T10:00:00Z")).toBe("a");
    expect(stageAt(p, [...h, ev("open", "2026-03-05T10:00:00Z")], "2026-03-10T10:00:00Z")).toBe("b");
  });

  it("re-enters the stage on a transition to itself, restarting its counters", () => {
    const p = policy("p", {
      channels: chans,
      stages: [stage("a", { start: true, transitions: [t.elapsed("7 days", "a"), t.touches(3, "b")] }), stage("b")],
    });
    const h = [touch("email", "2026-03-02T10:00:00Z"), touch("email", "2026-03-05T10:00:00Z"), touch("email", "2026-03-10T10:00:00Z")];
    expect(stageAt(p, h, "2026-03-11T10:00:00Z")).toBe("a");
    expect(stageAt(p, h.slice(0, 2).concat(touch("email", "2026-03-08T10:00:00Z")), "2026-03-11T10:00:00Z")).toBe("b");
  });

  it("fires the first match at an event, even before a policy-wide stop signal (regression from the safety property)", () => {
    const p = policy("p", {
      channels: chans,
      stages: [stage("s0", { start: true, transitions: [t.when(c.ge("total_touches", 2), "s0")] }), stage("closed", { final: true })],
      transitions: [t.on("unsubscribe", "closed")],
    });
    const h = [touch("email", "2026-03-02T10:00:00Z"), touch("email", "2026-03-02T11:00:00Z"), ev("unsubscribe", "2026-03-02T12:00:00Z")];
    expect(stageAt(p, h, "2026-03-02T13:00:00Z")).toBe("s0");
    // With the stop signal first in the stage, it always wins.
    const q = policy("q", {
      channels: chans,
      stages: [
        stage("s0", { start: true, transitions: [t.on("unsubscribe", "closed"), t.when(c.ge("total_touches", 2), "s0")] }),
        stage("closed", { final: true }),
      ],
    });
    expect(stageAt(q, h, "2026-03-02T13:00:00Z")).toBe("closed");
  });

  it("lets a `never ... within N business days` rule fail closed without a zone", () => {
    const p = policy("p", { channels: chans, rules: [r.within("call", "2 business days", "bounce")] });
    const e = compile(p);
    const input = { contact: { id: "x" }, history: [], at: "2026-03-03T10:00:00Z" };
    expect(e.evaluate({ ...input, touch: { channel: "call" } }).reasons).toMatchObject([{ rule: "policy.never-within.1", code: "unknown-timezone" }]);
    expect(e.evaluate({ ...input, touch: { channel: "email" } }).verdict).toBe("allow");
  });
});

describe("compile", () => {
  it("throws HeedPolicyError with diagnostics for an invalid policy", () => {
    const bad = policy("p", { channels: chans, stages: [stage("a", { start: true, transitions: [t.on("reply", "nurtur")] }), stage("nurture")] });
    let error: unknown;
    try {
      compile(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HeedPolicyError);
    expect((error as HeedPolicyError).diagnostics.map((d) => d.message).join("\n")).toContain("nurtur");
  });

  it("compiles to plain, deterministic JSON with stages, rule ids and transitions", () => {
    const ir = compileIr(inbound());
    expect(JSON.parse(JSON.stringify(ir))).toEqual(ir);
    expect(JSON.stringify(compileIr(inbound()))).toBe(JSON.stringify(ir));
    expect(ir.start).toBe("prospecting");
    expect(ir.stages.map((s) => s.name)).toEqual(["prospecting", "nurture", "engaged", "email-only", "closed"]);
    expect(ir.stages[1]).toMatchObject({ name: "nurture", final: false, allow: ["email"], rules: ["nurture.at-most.1"] });
    expect(ir.stages[0]!.transitions.map((x) => x.cause)).toEqual([
      "after 2 ignored touches",
      'on reply where sentiment == "negative"',
      'on reply where prefers == "email"',
      "on reply",
    ]);
    expect(ir.policyRules).toEqual([
      "no-cold-invites",
      "let-them-read",
      "policy.never-when.1",
      "policy.never-when.2",
      "policy.never-when.3",
      "policy.never-when.4",
      "policy.at-most.1",
      "policy.at-most.2",
      "policy.at-least.1",
      "policy.quiet-hours.1",
      "policy.only-business-days.1",
    ]);
    expect(ir.timezone).toEqual({ from: ["contact", "timezone"], fallback: "America/New_York" });
  });

  it("gives a policy without stages the implicit stage `active`", () => {
    const ir = compileIr(policy("p", { channels: chans, rules: [r.businessDays()] }));
    expect(ir.stages).toEqual([{ name: "active", final: false, allow: null, rules: [], transitions: [] }]);
    expect(stageAt(policy("p", { channels: chans }), [], "2026-03-03T12:00:00Z")).toBe("active");
  });
});

describe("a timer that is not a number ends the walk (issue 14: `ignoreWindow: 3 toString` pinned the CPU)", () => {
  // The unit `toString` was read from a plain object, so the ignore window
  // was `3 * undefined` ms: every touch queued a NaN timer, and since NaN
  // equals nothing the timer was never taken off the queue nor passed.
  const source = policy("p", { channels: chans, ignoreWindow: "3 days" });
  const ir = compileIr(source);

  it("a checked policy whose unit is then made no unit fails loudly at the first touch instead of looping", () => {
    // `compile` trusts a policy the checks stage passed: change it after the checks, as a bug in a caller could
    const checked = parsePolicy(`cadence "p" {\n  channels email, call\n  ignore window 3 days\n}\n`).policy!;
    (checked.ignoreWindow as { unit: string }).unit = "toString";
    const bad = compile(checked);
    const input = { contact: NY, history: [touch("email", "2026-03-02T12:00:00Z")], touch: { channel: "email" }, at: "2026-03-03T12:00:00Z" };
    expect(() => bad.evaluate(input)).toThrow("unknown duration unit `toString`");
  });

  it("a NaN timer left in a state is passed over, and processing ends", async () => {
    const { enterPolicy, advance } = await import("../../src/engine/machine.js");
    const { makeRuntime } = await import("../../src/engine/runtime.js");
    const { makeContext } = await import("../../src/engine/context.js");
    const { ZoneTable } = await import("../../src/engine/time.js");
    const rt = makeRuntime(ir, source, new ZoneTable());
    const ctx = makeContext(rt, NY);
    const st = enterPolicy(rt, ctx, Date.UTC(2026, 2, 2));
    st.pending.push(Number.NaN);
    advance(rt, ctx, st, Date.UTC(2026, 3, 2));
    expect([st.stage, st.ignored, st.through]).toEqual(["active", 0, Date.UTC(2026, 3, 2)]);
  });
});

describe("loops of timers are passed over whole periods at a time (issue 14: `after 24 minutes move to SAME` over years hung evaluate)", () => {
  const loop = policy("loop", {
    channels: chans,
    stages: [
      stage("a", {
        start: true,
        rules: [r.atMost(1, "email", "day")],
        transitions: [t.elapsed("7 minutes", "b"), t.when({ kind: "compare", op: ">", left: { kind: "path", segments: ["time_in_stage"] }, right: { kind: "duration", amount: 10, unit: "minutes" } }, "b")],
      }),
      stage("b", { allow: ["call"], transitions: [t.elapsed("5 minutes", "a")] }),
    ],
  });

  it("answers as the reference interpreter, which replays every timer, at instants over a month", async () => {
    const { referenceEvaluate } = await import("../reference/interpreter.js");
    const engine = compile(loop);
    const history = [touch("email", "2026-03-02T12:00:00Z"), touch("call", "2026-03-02T12:09:00Z")];
    for (let minutes = 0; minutes < 30 * 1440; minutes += 1013) {
      for (const channel of ["email", "call"]) {
        const input = { contact: NY, history, touch: { channel }, at: new Date(Date.parse("2026-03-02T12:10:00Z") + minutes * 60_000).toISOString() };
        const mine = engine.evaluate(input);
        const theirs = referenceEvaluate(loop, input);
        expect([mine.verdict, mine.stage, mine.notBefore, mine.reasons.map((x) => x.code)], input.at).toEqual([
          theirs.verdict,
          theirs.stage,
          theirs.notBefore,
          theirs.reasons.map((x) => x.code),
        ]);
      }
    }
  });

  it("decides across eight thousand years of a one-minute loop, and says so once in the timeline", () => {
    const minute = policy("minute", { channels: chans, stages: [stage("a", { start: true, transitions: [t.elapsed("1 minute", "a")] })] });
    const engine = compile(minute);
    const input = { contact: NY, history: [touch("email", "2000-01-01T00:00:00Z")], touch: { channel: "email" }, at: "9999-12-31T23:59:30Z" };
    expect(engine.evaluate(input).stage).toBe("a");
    const timeline = engine.explain(input).timeline;
    expect(timeline.length).toBeLessThan(10);
    expect(timeline.map((x) => [x.at, x.cause])).toContainEqual([
      "9999-12-31T23:59:00Z",
      expect.stringMatching(/^the same loop of timers, \d+ more times since 2000-01-01T00:02:00Z$/),
    ]);
  });
});

describe("a loop of timers counted in business days is followed at most 2,000 timers at a time", () => {
  const daily = policy("daily", {
    channels: chans,
    timezone: "America/New_York",
    stages: [stage("a", { start: true, transitions: [t.elapsed("1 business day", "a")] })],
  });
  const engine = compile(daily);

  it("six years of a stage restarted every business day are followed", () => {
    const d = engine.evaluate({ contact: NY, history: [touch("email", "2020-03-02T15:00:00Z")], touch: { channel: "email" }, at: "2026-03-02T16:00:00Z" });
    expect(d.stage).toBe("a");
  });

  it("eight thousand years are refused with a typed input error naming `at` (was: an evaluation that never ended)", () => {
    let error: unknown;
    try {
      engine.evaluate({ contact: NY, history: [touch("email", "2020-03-02T15:00:00Z")], touch: { channel: "email" }, at: "9999-12-31T12:00:00Z" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HeedInputError);
    const e = error as HeedInputError;
    expect([e.code, e.field]).toEqual(["too-many-timers", "at"]);
    expect(e.message).toBe(
      "the `after` transitions of policy `daily` would fire more than 2,000 times before 9999-12-31T12:00:00Z (a loop counted in business days, over years): decide nearer the contact's history",
    );
  });
});

describe("a deferral over a loop of stage restarts is found without stepping through each restart", () => {
  // 30 weeks of `after 7 minutes move to SAME`: 43,200 restarts per deferral, 21 s for a year's silent contact before
  const restarting = policy("restarting", {
    channels: chans,
    timezone: "America/New_York",
    stages: [
      stage("a", {
        start: true,
        rules: [r.atLeast("20 days", "email"), r.quiet("20:00", "08:00", "call")],
        transitions: [t.elapsed("12 minutes", "a"), t.touches(3, "b")],
      }),
      stage("b", { transitions: [t.elapsed("9 minutes", "b")] }),
    ],
    rules: [r.atMost(1, "call", "day")],
  });

  it("answers as the reference interpreter, which steps through every restart", async () => {
    const { referenceEvaluate } = await import("../reference/interpreter.js");
    const engine = compile(restarting);
    const histories = [
      [touch("email", "2026-03-02T12:00:00Z")],
      [touch("email", "2026-03-02T12:00:00Z"), touch("call", "2026-03-02T15:00:00Z")],
      [touch("email", "2026-03-02T12:00:00Z"), touch("call", "2026-03-02T15:00:00Z"), touch("email", "2026-03-03T15:00:00Z")],
    ];
    for (const history of histories) {
      for (const at of ["2026-03-04T01:00:00Z", "2026-03-10T17:30:00Z", "2026-03-22T11:59:00Z"]) {
        for (const channel of ["email", "call"]) {
          const input = { contact: NY, history, touch: { channel }, at };
          const mine = engine.evaluate(input);
          const theirs = referenceEvaluate(restarting, input);
          expect([mine.verdict, mine.stage, mine.notBefore, mine.reasons.map((x) => x.code)], `${channel} at ${at} after ${history.length}`).toEqual([
            theirs.verdict,
            theirs.stage,
            theirs.notBefore,
            theirs.reasons.map((x) => x.code),
          ]);
        }
      }
    }
  }, 120_000);
});

import { describe, expect, it } from "vitest";

import { HeedInputError } from "../../src/diagnostics.js";
import { compile } from "../../src/engine/index.js";
import { parsePolicy } from "../../src/parser/index.js";
import type { EvaluateInput } from "../../src/model.js";
import { policy } from "./build.js";

const engine = compile(policy("p", { channels: ["email", "call"] }));
const good: EvaluateInput = {
  contact: { id: "c1", timezone: "America/New_York" },
  history: [{ type: "touch", channel: "email", at: "2026-03-02T10:00:00Z" }],
  touch: { channel: "email" },
  at: "2026-03-03T10:00:00Z",
};

function failure(run: () => unknown): HeedInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof HeedInputError) return error;
    throw error;
  }
  throw new Error("expected a HeedInputError");
}

function bad(change: Record<string, unknown>): HeedInputError {
  return failure(() => engine.evaluate({ ...good, ...change } as EvaluateInput));
}

const history = (...events: unknown[]) => ({ history: events });

describe("typed input errors name the field and the index", () => {
  it("contact without a string id", () => {
    const e = bad({ contact: { id: 7 } });
    expect([e.code, e.field, e.index]).toEqual(["invalid-contact", "contact.id", undefined]);
    expect(e.message).toBe("`contact.id` must be a string, got `7`");
  });

  it("unknown contact time zone", () => {
    const e = bad({ contact: { id: "c", timezone: "Mars/Base" } });
    expect([e.code, e.field]).toEqual(["unknown-timezone", "contact.timezone"]);
    expect(e.message).toContain("`Mars/Base`");
  });

  it("history that is not a list", () => {
    expect([bad({ history: "none" }).code, bad({ history: "none" }).field]).toEqual(["invalid-history", "history"]);
  });

  it("an event that is not an object, or without a type", () => {
    const e = bad(history(good.history[0], 3));
    expect([e.code, e.field, e.index]).toEqual(["invalid-event", "history[1]", 1]);
    const f = bad(history({ at: "2026-03-02T10:00:00Z" }));
    expect([f.code, f.field, f.index]).toEqual(["invalid-event", "history[0].type", 0]);
  });

  it("an event time without an offset, or not a time", () => {
    const e = bad(history(good.history[0], good.history[0], good.history[0], { type: "reply", at: "2026-03-02 10:00" }));
    expect([e.code, e.field, e.index]).toEqual(["invalid-time", "history[3].at", 3]);
    expect(e.message).toBe("`history[3].at` is not an ISO-8601 instant with an offset or `Z`: `2026-03-02 10:00`");
    expect(bad(history({ type: "reply", at: "2026-03-02T10:00:00" })).field).toBe("history[0].at");
    expect(bad(history({ type: "reply" })).code).toBe("invalid-time");
  });

  it("a touch event without a channel", () => {
    const e = bad(history({ type: "touch", at: "2026-03-02T10:00:00Z" }));
    expect([e.code, e.field, e.index]).toEqual(["invalid-event", "history[0].channel", 0]);
  });

  it("tags that are not a list of strings", () => {
    const e = bad(history({ type: "touch", channel: "email", tags: "vip", at: "2026-03-02T10:00:00Z" }));
    expect([e.code, e.field, e.index]).toEqual(["invalid-event", "history[0].tags", 0]);
    const f = bad({ touch: { channel: "email", tags: [1] } });
    expect([f.code, f.field]).toEqual(["invalid-touch", "touch.tags"]);
  });

  it("a proposed touch without a channel", () => {
    const e = bad({ touch: {} });
    expect([e.code, e.field]).toEqual(["invalid-touch", "touch.channel"]);
  });

  it("an invalid evaluation instant", () => {
    const e = bad({ at: "tomorrow" });
    expect([e.code, e.field, e.index]).toEqual(["invalid-time", "at", undefined]);
  });

  it("messages follow the style: lowercase start, no final period, one line", () => {
    for (const e of [bad({ at: "tomorrow" }), bad({ touch: {} }), bad({ contact: { id: "c", timezone: "Mars/Base" } })]) {
      expect(e.message).toMatch(/^[a-z`]/);
      expect(e.message).not.toMatch(/\.$/);
      expect(e.message).not.toContain("\n");
    }
  });
});

describe("incremental input errors", () => {
  it("refuses an event earlier than the last stepped one", () => {
    const s = engine.step(engine.start(good.contact, "2026-03-01T00:00:00Z"), { type: "reply", at: "2026-03-05T10:00:00Z" });
    const e = failure(() => engine.step(s, { type: "reply", at: "2026-03-04T10:00:00Z" }));
    expect([e.code, e.field]).toEqual(["out-of-order", "event.at"]);
    const d = failure(() => engine.decide(s, { channel: "email" }, "2026-03-04T10:00:00Z"));
    expect([d.code, d.field]).toEqual(["out-of-order", "at"]);
  });

  it("names the field of a malformed stepped event", () => {
    const e = failure(() => engine.step(engine.start(good.contact, "2026-03-01T00:00:00Z"), { type: "touch", at: "2026-03-05T10:00:00Z" }));
    expect([e.code, e.field]).toEqual(["invalid-event", "event.channel"]);
  });

  it("refuses something that is not a snapshot of this engine", () => {
    const e = failure(() => engine.decide({ format: "heed-snapshot/3" }, { channel: "email" }, "2026-03-04T10:00:00Z"));
    expect([e.code, e.field]).toEqual(["invalid-snapshot", "snapshot"]);
  });

  const text = (limit: number, layout = ""): string =>
    `cadence "pacing" {\n  channels email, call\n${layout}  at most ${limit} calls per day\n}\n`;
  const engineOf = (source: string) => {
    const { policy: parsed, diagnostics } = parsePolicy(source, { file: "pacing.heed" });
    expect(diagnostics).toEqual([]);
    return compile(parsed!);
  };
  const stepped = (e: ReturnType<typeof engineOf>) =>
    e.step(e.start({ id: "c", timezone: "UTC" }, "2026-03-02T09:00:00Z"), { type: "touch", channel: "call", at: "2026-03-02T09:00:00Z" });

  it("refuses a snapshot of the earlier format, saying to rebuild it", () => {
    for (const format of ["heed-snapshot/1", "heed-snapshot/2"]) {
      const e = failure(() => engine.decide({ format } as never, { channel: "email" }, "2026-03-04T10:00:00Z"));
      expect([e.code, e.field]).toEqual(["stale-snapshot", "snapshot.format"]);
      expect(e.message).toBe(`the snapshot is in the format \`${format}\`, this engine reads \`heed-snapshot/3\`: rebuild it by stepping the contact's history again`);
    }
  });

  it("refuses a snapshot built under another version of the policy, naming both versions", () => {
    const before = stepped(engineOf(text(1)));
    const e = failure(() => engineOf(text(2)).decide(before, { channel: "call" }, "2026-03-02T10:00:00Z"));
    expect([e.code, e.field]).toEqual(["stale-snapshot", "snapshot.policies"]);
    expect(e.message).toMatch(/^the snapshot was built under `pacing#[0-9a-f]{14}`, this engine runs `pacing#[0-9a-f]{14}`: rebuild it by stepping the contact's history again$/);
  });

  it("keeps accepting a snapshot when the policy is only reformatted or commented", () => {
    const before = stepped(engineOf(text(1)));
    const relaid = engineOf(text(1, "  # one call a day is plenty\n\n"));
    expect(relaid.decide(before, { channel: "call" }, "2026-03-02T10:00:00Z").verdict).toBe("defer");
  });

  it("takes a snapshot built under a policy's DSL form in an engine of its YAML twin", async () => {
    const { readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const examples = join(import.meta.dirname, "..", "..", "examples");
    const fromDsl = engineOf(readFileSync(join(examples, "inbound.heed"), "utf8"));
    const { policy: yamlPolicy } = parsePolicy(readFileSync(join(examples, "inbound.heed.yaml"), "utf8"), { file: "inbound.heed.yaml" });
    const fromYaml = compile(yamlPolicy!);
    const contact = { id: "c", timezone: "America/New_York" };
    const snapshot = fromDsl.step(fromDsl.start(contact, "2026-03-02T09:00:00Z"), { type: "touch", channel: "email", at: "2026-03-02T15:00:00Z" });
    const touch = { channel: "email" };
    // The same decision; only the reasons' spans point into each file.
    const gist = (d: ReturnType<typeof fromDsl.decide>) => ({ ...d, reasons: d.reasons.map((x) => [x.rule, x.code, x.message]) });
    const decided = fromYaml.decide(snapshot, touch, "2026-03-03T15:00:00Z");
    expect(decided.verdict).toBe("defer");
    expect(gist(decided)).toEqual(gist(fromDsl.decide(snapshot, touch, "2026-03-03T15:00:00Z")));
  });

  it("names the damaged part of a snapshot's state instead of failing inside", () => {
    const e1 = engineOf(text(1));
    const good1 = JSON.parse(JSON.stringify(stepped(e1))) as { states: Record<string, unknown>[] };
    const damaged = (change: (state: Record<string, unknown>) => void) => {
      const copy = JSON.parse(JSON.stringify(good1)) as { states: Record<string, unknown>[] };
      change(copy.states[0]!);
      return failure(() => e1.decide(copy as never, { channel: "call" }, "2026-03-02T10:00:00Z"));
    };
    const renamed = damaged((st) => (st.stage = "nurture"));
    expect([renamed.code, renamed.field]).toEqual(["invalid-snapshot", "snapshot.states[0]"]);
    expect(renamed.message).toBe("`snapshot.states[0]` is not a state of policy `pacing`: no stage `nurture`");
    expect(damaged((st) => (st.memory = [])).message).toMatch(/`memory` must hold one entry per rule \(1\)$/);
    expect(damaged((st) => (st.memory = ["yesterday"])).message).toMatch(/the memory of rule `policy.at-most.1` does not fit its kind \(at-most\)$/);
    expect(damaged((st) => (st.pending = "soon")).message).toMatch(/`pending` must be a list of instants$/);
    expect(damaged((st) => (st.ignored = -1)).message).toMatch(/the counters must be whole numbers$/);
    expect(e1.decide(good1 as never, { channel: "call" }, "2026-03-02T10:00:00Z").verdict).toBe("defer");
  });

  it("checks the contact given to start", () => {
    const e = failure(() => engine.start({ id: "c", timezone: "Nowhere/City" }, "2026-03-01T00:00:00Z"));
    expect(e.code).toBe("unknown-timezone");
  });
});

describe("instant parsing", () => {
  it("the fast path agrees with the general parser, valid or not", async () => {
    const { instantOf } = await import("../../src/engine/input.js");
    const { parseInstant } = await import("../../src/engine/time.js");
    const fc = (await import("fast-check")).default;
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, "0"));
    const text = fc
      .tuple(
        fc.integer({ min: 1990, max: 2040 }),
        two(13),
        two(32),
        two(24),
        two(60),
        fc.option(two(60), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 9999 }).map((n) => String(n)), { nil: undefined }),
        fc.constantFrom("Z", "+00:00", "-05:00", "+05:30", "+10:30", "-23:59", "+24:00", "-03:60"),
      )
      .map(([y, mo, d, h, mi, s, f, z]) => `${y}-${mo}-${d}T${h}:${mi}${s === undefined ? "" : `:${s}${f === undefined ? "" : `.${f}`}`}${z}`);
    fc.assert(
      fc.property(text, (t) => {
        expect(instantOf(t)).toBe(parseInstant(t));
      }),
      { numRuns: 2000 },
    );
    for (const t of ["2024-02-29T12:00:00Z", "2026-02-29T12:00:00Z", "2026-03-02 10:00", "2026-03-02T10:00:00", "0099-01-01T00:00:00Z"]) {
      expect(instantOf(t)).toBe(parseInstant(t));
    }
  });
});

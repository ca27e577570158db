/**
 * The work of following a contact (`driveContact`, behind the silent
 * contact of `heed check` and `heed simulate`). Found by the hostile fuzzer
 * (seed 20261203, inputs 45,031 and 53,646): a policy with nothing to hold
 * the sender back and a channel named with thousands of characters took
 * seconds in the silent contact, because every decision replayed the whole
 * history so far and checked every event's strings again (quadratic in the
 * touches, times the name's length). Each event is now stepped into a
 * snapshot once; the decisions are the same as replaying.
 */

import { describe, expect, it } from "vitest";

import { driveContact, SILENT, type Persona } from "../../src/analysis/drive.js";
import { analyzeSilentContact } from "../../src/analysis/silent.js";
import type { Engine, Snapshot } from "../../src/engine/api.js";
import { compile } from "../../src/engine/index.js";
import type { HistoryEvent } from "../../src/model.js";
import { parsePolicy } from "../../src/parser/index.js";

function load(text: string) {
  const { policy, diagnostics } = parsePolicy(text, { file: "t.heed" });
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return policy!;
}

/** The engine, counting the history events it is handed (an event stepped, or one of a history evaluated). */
function counting(engine: Engine): { engine: Engine; events: () => number } {
  let events = 0;
  const counted = new Proxy(engine, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (key === "step") events++;
        if (key === "evaluate" || key === "explain") events += (args[0] as { history: readonly unknown[] }).history.length;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { engine: counted, events: () => events };
}

/** The engine answering every decision by `evaluate` over the whole history stepped so far: what a replay gives. */
function replaying(engine: Engine): Engine {
  type Replay = Snapshot & { contact: Parameters<Engine["start"]>[0]; events: HistoryEvent[] };
  return new Proxy(engine, {
    get(target, key, receiver) {
      if (key === "start") return (contact: Replay["contact"]): Snapshot => ({ format: "heed-snapshot/3", contact, events: [] }) as Replay;
      if (key === "step") return (s: Replay, event: HistoryEvent): Snapshot => ({ ...s, events: [...s.events, event] });
      if (key === "decide") return (s: Replay, touch: { channel: string }, at: string) => target.evaluate({ contact: s.contact, history: s.events, touch, at });
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const LONG_NAME = `n${"x".repeat(5_000)}`;
/** Nothing holds the sender back: the silent contact gets 400 touches (the run's cap here). */
const UNBOUNDED = `cadence "tier" {
  timezone from contact.timezone else "UTC"
  channels ${LONG_NAME}, engaged
  engagement x-y
}
`;

describe("following a contact steps each event once", () => {
  it("400 touches hand the engine each event about twice (a step, and the closing explanation), not once per decision", () => {
    const policy = load(UNBOUNDED);
    const { engine, events } = counting(compile(policy));
    const run = driveContact(engine, {
      contact: { id: "c", timezone: "UTC" },
      persona: SILENT,
      start: "2026-01-05T09:00:00Z",
      horizonDays: 14,
      channels: [LONG_NAME, "engaged"],
      maxTouches: 400,
    });
    expect(run.touches).toHaveLength(400);
    expect(run.touches[399]!.channel).toBe(LONG_NAME);
    // a replay per decision handed it 400 * 401 / 2 = 80,200 events
    expect(events()).toBeLessThanOrEqual(2 * 400);
  });

  it("so does the silent contact of `heed check`: each event's strings (the long name) are checked about twice, not at every decision", () => {
    const policy = load(UNBOUNDED);
    const { engine, events } = counting(compile(policy));
    const report = analyzeSilentContact(policy, { engine, horizonDays: 14 });
    expect(report.totalTouches).toBe(400);
    // the stage no limit bounds is the static `unbounded-pursuit`'s to report: the silent contact adds nothing
    expect(report.diagnostics.map((d) => d.code)).toEqual([]);
    expect(report.run.cutShort).toBe(true);
    expect(events()).toBeLessThanOrEqual(2 * 400);
  });

  const personas: Persona[] = [
    SILENT,
    { name: "replies", reactions: [{ afterTouch: 2, delayMinutes: 90, event: { type: "reply" } }] },
    { name: "at once", reactions: [{ afterTouch: 1, delayMinutes: 0, event: { type: "reply" } }, { afterTouch: 3, delayMinutes: 30 * 1440, event: { type: "meeting_booked" } }] },
  ];
  const STAGED = `cadence "staged" {
  timezone from contact.timezone else "America/New_York"
  channels email, call
  ignore window 2 days
  start stage prospecting {
    allow email, call
    at most 2 email per week
    at least 1 day between touches
    after 3 ignored touches move to nurture
    on reply move to engaged
  }
  stage nurture {
    allow email
    at most 1 email per 14 days
    after 60 days move to closed
  }
  stage engaged {
    allow email, call
    quiet hours 20:00 to 08:00
    on meeting_booked move to closed
  }
  final stage closed
}
`;

  for (const persona of personas) {
    it(`gives the touches, stages and timeline a replay of the whole history gives (persona ${persona.name})`, () => {
      const engine = compile(load(STAGED));
      const options = { contact: { id: "c", timezone: "America/New_York" }, persona, start: "2026-01-05T14:00:00Z", horizonDays: 120, channels: ["email", "call"] };
      const stepped = driveContact(engine, options);
      const replayed = driveContact(replaying(engine), options);
      expect(stepped.touches.length).toBeGreaterThan(3);
      expect(stepped).toEqual(replayed);
    });
  }
});

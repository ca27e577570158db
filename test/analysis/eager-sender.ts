/**
 * An eager sender independent of the engine, for the pursuit-bounds tests:
 * it decides through the reference interpreter (`test/reference/`), which
 * shares no rule code with the engine.
 *
 * @module
 */

import { expect } from "vitest";

import type { Policy } from "../../src/ast.js";
import { busiest, pursuitBounds, type BoundsOptions, type SignalProps } from "../../src/analysis/bounds.js";
import { formatInstant, parseInstant } from "../../src/engine/time.js";
import type { HistoryEvent } from "../../src/model.js";
import { referenceEvaluate } from "../reference/interpreter.js";

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

/**
 * The eager sender, written from the description alone: at each instant it
 * asks every declared channel in order and sends the first allowed; a
 * minute after each touch the contact sends the reaction; when nothing is
 * allowed it waits for the earliest `notBefore` (a day when nothing defers).
 * Followed for the horizon, and 31 days more after the first entry into
 * each stage.
 */
export function eagerSender(policy: Policy, zone: string, prefix: readonly SignalProps[], reaction: SignalProps | null, start: number, horizonDays: number, unbounded: ReadonlySet<string>) {
  const contact = { id: "reference-contact", timezone: zone };
  const history: HistoryEvent[] = prefix.map((p, i) => ({ ...p, type: String(p.type), at: formatInstant(start), id: `p${i}` }));
  const channels = policy.channels.map((c) => c.name);
  const all: number[] = [];
  const byStage = new Map<string, number[]>();
  const entered = new Set<string>();
  let end = start + horizonDays * DAY;
  let t = start;
  while (t <= end) {
    const at = formatInstant(t);
    let sent = false;
    let wake = Infinity;
    let stage = "";
    for (const channel of channels) {
      const d = referenceEvaluate(policy, { contact, history, touch: { channel }, at });
      stage = d.stage;
      if (d.verdict === "allow") {
        history.push({ type: "touch", channel, at, id: `t${history.length}` });
        all.push(t);
        byStage.set(stage, [...(byStage.get(stage) ?? []), t]);
        sent = true;
        break;
      }
      if (d.verdict === "defer") wake = Math.min(wake, parseInstant(d.notBefore!)!);
    }
    if (!entered.has(stage)) {
      end = Math.max(end, t + 31 * DAY);
      entered.add(stage);
    }
    if (unbounded.has(stage)) break;
    if (sent) {
      if (reaction !== null) {
        t += MINUTE;
        history.push({ ...reaction, type: String(reaction.type), at: formatInstant(t), id: `r${history.length}` });
      }
      continue;
    }
    t = wake === Infinity ? t + DAY : Math.max(wake, t + MINUTE);
  }
  return { all, byStage };
}

/**
 * Drives the independent sender through every pattern the bounds explored
 * and checks the bounds: never exceeded, and reached, per stage and in all.
 */
export function checkBounds(policy: Policy, file: string, options: BoundsOptions): void {
  const bounds = pursuitBounds(policy, options);
  expect(bounds.explored.complete).toBe(true);
  const unbounded = new Set(bounds.stages.filter((s) => s.unbounded.length > 0).map((s) => s.stage));
  const most = { week: 0, month: 0, stages: new Map<string, { week: number; month: number }>() };
  const { prefixes, reactions, starts, withoutHolidays } = bounds.explored.patterns;
  // the policy as written, and where the bounds say so, the same without its holidays (a calendar of weekends only)
  const versions: Policy[] = withoutHolidays ? [policy, { ...policy, holidays: [], holidaysFrom: undefined } as Policy] : [policy];
  for (const version of versions) {
    for (const prefix of prefixes) {
      for (const reaction of reactions) {
        for (const start of starts) {
          const run = eagerSender(version, bounds.zone, prefix, reaction, parseInstant(start)!, options.horizonDays ?? 60, unbounded);
          most.week = Math.max(most.week, busiest(run.all, 7 * DAY));
          most.month = Math.max(most.month, busiest(run.all, 30 * DAY));
          for (const [stage, times] of run.byStage) {
            const m = most.stages.get(stage) ?? { week: 0, month: 0 };
            most.stages.set(stage, { week: Math.max(m.week, busiest(times, 7 * DAY)), month: Math.max(m.month, busiest(times, 30 * DAY)) });
          }
        }
      }
    }
  }
  expect({ week: most.week, month: most.month }, file).toEqual({ week: bounds.week, month: bounds.month });
  for (const s of bounds.stages) {
    const seen = most.stages.get(s.stage) ?? { week: 0, month: 0 };
    expect(seen, `${file}: stage ${s.stage}`).toEqual({ week: s.week, month: s.month });
  }
  expect(bounds.week).toBeGreaterThan(0);
}

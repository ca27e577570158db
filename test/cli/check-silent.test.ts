/**
 * `heed check` reports what a contact who never answers goes through. The
 * numbers it prints are checked here against a direct simulation written
 * independently of the analysis: a sender that, every hour of the year, sends
 * on the first declared channel the engine allows.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { compile } from "../../src/engine/index.js";
import type { HistoryEvent } from "../../src/model.js";
import { parsePolicy } from "../../src/parser/index.js";
import { copyFixture, FIXTURES, heed, workspace } from "./helpers.js";

const HOUR = 3_600_000;

interface JsonVisit {
  stage: string;
  final: boolean;
  enteredAt: string;
  days: number;
  touches: number;
  byChannel: Record<string, number>;
}

interface JsonCheck {
  diagnostics: { code: string; message: string }[];
  silentContacts: {
    file: string;
    summary: string;
    start: string;
    horizonDays: number;
    totalTouches: number;
    finalStage: string;
    ended: boolean;
    endsAfterDays: number;
    visits: JsonVisit[];
  }[];
}

/** Every hour from `start` for `days`, send on the first allowed channel. */
function hourlySender(text: string, start: string, days: number, zone: string) {
  const { policy } = parsePolicy(text, { file: "inbound.heed" });
  const engine = compile(policy!);
  const contact = { id: "silent", timezone: zone };
  const channels = policy!.channels.map((c) => c.name);
  const history: HistoryEvent[] = [];
  const sent: { at: number; channel: string; stage: string }[] = [];
  const t0 = Date.parse(start);
  for (let t = t0; t <= t0 + days * 24 * HOUR; t += HOUR) {
    const at = new Date(t).toISOString();
    for (const channel of channels) {
      const decision = engine.evaluate({ contact, history, touch: { channel }, at });
      if (decision.verdict === "allow") {
        history.push({ type: "touch", channel, at });
        sent.push({ at: t, channel, stage: decision.stage });
        break;
      }
    }
  }
  const end = new Date(t0 + days * 24 * HOUR).toISOString();
  const explained = engine.explain({ contact, history, touch: { channel: channels[0]! }, at: end });
  return { sent, finalStage: explained.decision.stage, timeline: explained.timeline };
}

describe("heed check: the silent contact", () => {
  it("says in words what a silent contact gets under the spec's inbound policy, with the numbers of a direct simulation", () => {
    const dir = workspace();
    copyFixture(dir, "inbound.heed");
    const pretty = heed(["check", "inbound.heed"], dir);
    expect(pretty.code).toBe(0);
    expect(pretty.stdout).toContain("a contact who never answers, over 365 days");
    expect(pretty.stdout).toContain(
      "inbound.heed: a silent contact gets 3 emails over 5 days in `prospecting`, then 12 emails over 180 days in `nurture`, and ends in `closed` after 185 days",
    );

    const json = JSON.parse(heed(["check", "inbound.heed", "--format", "json"], dir).stdout) as JsonCheck;
    const [report] = json.silentContacts;
    expect(report).toBeDefined();
    // the spec's policy reads contact attributes without declaring them (spec 8.1): that warning only
    expect(json.diagnostics.map((d) => d.code)).toEqual(["undeclared-vocabulary"]);

    const text = readFileSync(join(FIXTURES, "inbound.heed"), "utf8");
    const direct = hourlySender(text, report!.start, report!.horizonDays, "America/New_York");
    expect(report!.totalTouches).toBe(direct.sent.length);
    expect(report!.finalStage).toBe(direct.finalStage);
    expect(report!.ended).toBe(true);
    for (const visit of report!.visits) {
      const here = direct.sent.filter((s) => s.stage === visit.stage);
      const byChannel: Record<string, number> = {};
      for (const s of here) byChannel[s.channel] = (byChannel[s.channel] ?? 0) + 1;
      expect({ stage: visit.stage, touches: visit.touches, byChannel: visit.byChannel }).toEqual({
        stage: visit.stage,
        touches: here.length,
        byChannel,
      });
    }
    const entered = direct.timeline.map((c) => ({ stage: c.to, at: Date.parse(c.at) }));
    expect(report!.visits.map((v) => v.stage)).toEqual(entered.map((e) => e.stage));
    const closedAt = entered.find((e) => e.stage === "closed")!.at;
    expect(report!.endsAfterDays).toBeCloseTo((closedAt - Date.parse(report!.start)) / (24 * HOUR), 1);
  }, 120_000);

  it("warns silent-pursuit for a policy that keeps touching a silent contact, and --strict fails on it", () => {
    const dir = workspace({
      "daily.heed": 'cadence "daily" {\n  timezone from contact.timezone else "Europe/London"\n  channels email\n  at most 1 email per day\n}\n',
    });
    const run = heed(["check", "daily.heed"], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("daily.heed:1:9: warning[silent-pursuit]: a silent contact is still pursued in `active` after 365 days");
    expect(run.stdout).toContain("daily.heed: a silent contact gets 366 emails over 365 days in `active`, and is still in `active` after 365 days");
    const json = JSON.parse(heed(["check", "daily.heed", "--format", "json"], dir).stdout) as JsonCheck;
    expect(json.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["silent-pursuit", expect.stringMatching(/^a silent contact gets 31 touches within 30 days \(from .+\), more than 8$/)],
      ["silent-pursuit", "a silent contact is still pursued in `active` after 365 days (366 touches there)"],
    ]);
    expect(heed(["check", "daily.heed", "--strict"], dir).code).toBe(1);
    expect(heed(["check", "daily.heed", "--max-silent-touches", "31", "--format", "json"], dir).stdout).not.toContain("within 30 days");
  }, 120_000);

  it("prints the path as a notice annotation on GitHub and refuses a bad --horizon", () => {
    const dir = workspace();
    copyFixture(dir, "inbound.heed");
    const run = heed(["check", "inbound.heed", "--format", "github"], dir);
    expect(run.stdout).toMatch(/^::notice file=inbound.heed,title=heed silent contact::a silent contact gets 3 emails over 5 days/m);
    const bad = heed(["check", "inbound.heed", "--horizon", "0"], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("option `--horizon` expects a whole number from 1 to 3650, got `0`");
  }, 120_000);
});

/**
 * A policy whose `after` transitions loop so often that the engine refuses
 * to decide (`too-many-timers`, a typed input error) once the silent
 * contact has gone on a while. Found by the hostile fuzzer (seed 20261203,
 * input 12618): `heed check` stopped with "internal error" instead of
 * reporting. The analysis stops where the engine refused and says so.
 */

import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { analyzeSilentContact, describeSilentContact } from "../../src/analysis/silent.js";
import { parsePolicy } from "../../src/parser/index.js";

const root = join(import.meta.dirname, "..", "..");

const LOOPING = `cadence "looping" {
  timezone from contact.timezone else "UTC"
  channels email
  ignore window 24 business days
  start stage waiting {
    allow email
    after 1 minutes move to waiting
  }
  at least 3 business days between email
  after 30 business days move to waiting
}
`;

describe("a silent contact the engine refuses to follow", () => {
  it("stops where the engine refused, and says why", () => {
    const { policy } = parsePolicy(LOOPING, { file: "looping.heed" });
    const report = analyzeSilentContact(policy!, { start: "2026-01-05T09:00:00Z" });
    expect(report.run.refused?.code).toBe("too-many-timers");
    expect(report.run.stopped < report.run.end).toBe(true);
    expect(describeSilentContact(report)).toMatch(/^a silent contact could be followed only to 2026-01-0\dT.*: the `after` transitions of policy `looping` would fire more than 2,000 times/);
  });

  it("heed check reports analysis-incomplete at the policy's name, exit 0 (1 with --strict), no internal error", () => {
    const dir = mkdtempSync(join(tmpdir(), "heed-refused-"));
    const file = join(dir, "looping.heed");
    writeFileSync(file, LOOPING);
    const run = (args: string[]) => spawnSync(process.execPath, [join(root, "bin", "heed.js"), "check", ...args, file], { encoding: "utf8" });
    const plain = run([]);
    expect(plain.stderr + plain.stdout).not.toMatch(/internal error/);
    expect(plain.stdout).toMatch(/looping\.heed:1:9: warning\[analysis-incomplete\]: a silent contact could not be followed for 365 days: at .*, the engine refused to decide/);
    expect(plain.status).toBe(0);
    expect(run(["--strict"]).status).toBe(1);
  });
});

/**
 * Found by the fuzz run (seed 20261203, inputs 75,617 and 104,049): a loop
 * of `after 2 minutes` beside business days, and nothing to hold the sender
 * back. Every decision was answered (the sender was stopped at its 400th
 * touch, all at the first instant), but the engine refused to follow the
 * contact to the end of the horizon for the timeline, and the refusal
 * escaped `analyzeSilentContact` (`heed check`: internal error).
 */
const SPINNING = `cadence "spinning" {
  channels email
  ignore window 24 minutes
  only business days
  start stage waiting {
    allow email
    after 30 business days move to waiting
    after 2 minutes move to waiting
  }
}
`;

describe("a silent contact the engine answers, but will not follow to the end of the horizon", () => {
  it("a run cut short is read up to where the sender was stopped, with no throw", () => {
    const { policy } = parsePolicy(SPINNING, { file: "spinning.heed" });
    for (const horizonDays of [14, 365]) {
      const report = analyzeSilentContact(policy!, { horizonDays, start: "2026-01-05T09:00:00Z" });
      expect(report.run.refused).toBeUndefined();
      expect(report.totalTouches).toBe(400);
      expect(report.finalStage).toBe("waiting");
      // no limit bounds `waiting`: the static `unbounded-pursuit` says so, once, so the silent contact adds no finding
      expect(report.run.cutShort).toBe(true);
      expect(report.diagnostics.map((d) => d.code)).toEqual([]);
      expect(describeSilentContact(report)).toBe("nothing holds the sender back: a silent contact gets 400 emails in `waiting` by 2026-01-05T09:00:00Z, when the sender was stopped");
    }
  });
});

/**
 * A/B of builds of Heed on the benchmark's cases: two or more compiled
 * builds (`dist/` trees made by `tsc -p tsconfig.build.json --outDir DIR`),
 * checked to give the same decisions byte for byte, then timed in
 * interleaved rounds (one process per build per round, the order rotating
 * from round to round), in CPU time, so that the load of a shared machine
 * weighs on every build alike. Reports, per build, the median and best µs
 * per decision and the median of the per-round ratios against the first
 * build.
 *
 * Each build runs in a process of its own: two builds loaded side by side in
 * one process do not time alike even when they are the same code (the
 * second read 6 % slower than an identical first on this machine), so an
 * in-process comparison measures the order of loading as much as the code.
 * A process warms up with two passes and reports the median of
 * `--passes` timed ones.
 *
 *   node --expose-gc --import tsx bench/ab.ts base=/tmp/base/dist new=dist \
 *     [--rounds=10] [--passes=3] [--cases=10000] [--seed=20261122] [--grid-minutes=1] [--decide]
 *     [--policy=bench/facts.heed]
 *
 * `--decide` times `decide()` on snapshots stepped through each case's
 * history instead of `evaluate()`. `--policy` names the policy to time
 * (default `bench/inbound.heed`); every build must parse it. A build's directory needs `engine/index.js`
 * and `parser/index.js`; its imports of packages resolve from the directory
 * up, so a build outside the repository needs a `node_modules` link beside it.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import type { Policy } from "../src/ast.js";
import type { Diagnostic } from "../src/diagnostics.js";
import type { Engine, Snapshot } from "../src/engine/api.js";
import type { EvaluateInput, HistoryEvent } from "../src/model.js";
import { generateCases } from "./generate.js";
import { normalize } from "./handwritten.js";

function flag(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (arg === undefined) return fallback;
  const value = Number(arg.slice(name.length + 3));
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`--${name} needs a positive whole number, got \`${arg.slice(name.length + 3)}\``);
    process.exit(2);
  }
  return value;
}

const ROUNDS = flag("rounds", 10);
const PASSES = flag("passes", 3);
const CASES = flag("cases", 10_000);
const SEED = flag("seed", 20261122);
const GRID_MINUTES = flag("grid-minutes", 1);
const DECIDE = process.argv.includes("--decide");
const POLICY = resolve(
  process.argv.find((a) => a.startsWith("--policy="))?.slice("--policy=".length) ?? fileURLToPath(new URL("./inbound.heed", import.meta.url)),
);
const CHILD = process.argv.find((a) => a.startsWith("--child="))?.slice("--child=".length);

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** What a child process reports: µs per decision, and a digest of every decision (for the agreement check). */
interface ChildReport {
  us: number;
  digest: string;
}

/** In a child: loads one build, makes every decision once for the digest, warms up, times `PASSES` passes. */
async function child(dirArg: string): Promise<ChildReport> {
  const dir = resolve(dirArg);
  const text = readFileSync(POLICY, "utf8");
  const cases: EvaluateInput[] = generateCases(SEED, CASES, { events: [20, 60], grid: GRID_MINUTES * 60_000 });
  const parser = (await import(pathToFileURL(`${dir}/parser/index.js`).href)) as {
    parsePolicy: (text: string, options?: { file?: string }) => { policy: Policy | undefined; diagnostics: Diagnostic[] };
  };
  const { compile } = (await import(pathToFileURL(`${dir}/engine/index.js`).href)) as { compile: (p: Policy) => Engine };
  const { policy } = parser.parsePolicy(text, { file: POLICY });
  if (policy === undefined) throw new Error(`${dir}: ${POLICY} does not parse`);
  const engine = compile(policy);
  let pass: () => number;
  let decision: (i: number) => unknown;
  if (DECIDE) {
    const snapshots: Snapshot[] = cases.map((c) => {
      const events: HistoryEvent[] = normalize(c.history, Date.parse(c.at)).events;
      let s = engine.start(c.contact, events[0]?.at ?? c.at);
      for (const e of events) s = engine.step(s, e);
      return s;
    });
    decision = (i) => engine.decide(snapshots[i]!, cases[i]!.touch, cases[i]!.at);
    pass = () => {
      let n = 0;
      for (let i = 0; i < cases.length; i++) n += engine.decide(snapshots[i]!, cases[i]!.touch, cases[i]!.at).reasons.length;
      return n;
    };
  } else {
    decision = (i) => engine.evaluate(cases[i]!);
    pass = () => {
      let n = 0;
      for (const c of cases) n += engine.evaluate(c).reasons.length;
      return n;
    };
  }
  const hash = createHash("sha256");
  for (let i = 0; i < cases.length; i++) hash.update(`${JSON.stringify(decision(i))}\n`);
  const digest = hash.digest("hex");
  const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;
  let sink = pass() + pass();
  const times: number[] = [];
  for (let k = 0; k < PASSES; k++) {
    gc?.();
    const t0 = cpuMs();
    sink += pass();
    times.push(((cpuMs() - t0) * 1000) / CASES);
  }
  if (sink < 0) console.error(sink);
  return { us: median(times), digest };
}

if (CHILD !== undefined) {
  console.log(JSON.stringify(await child(CHILD)));
  process.exit(0);
}

const specs = process.argv.slice(2).filter((a) => !a.startsWith("--"));
if (specs.length < 2 || specs.some((s) => !s.includes("="))) {
  console.error("usage: node --expose-gc --import tsx bench/ab.ts NAME=DIST_DIR NAME=DIST_DIR ... [--rounds=N] [--passes=N] [--cases=N] [--decide]");
  process.exit(2);
}
const builds = specs.map((s) => ({ name: s.slice(0, s.indexOf("=")), dir: s.slice(s.indexOf("=") + 1) }));
const passOn = [...process.argv.slice(2).filter((a) => a.startsWith("--") && !a.startsWith("--rounds=") && !a.startsWith("--policy=")), `--policy=${POLICY}`];

function run(dir: string): ChildReport {
  const out = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), `--child=${dir}`, ...passOn], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (out.status !== 0) {
    console.error(out.stderr);
    process.exit(1);
  }
  return JSON.parse(out.stdout.trim().split("\n").pop()!) as ChildReport;
}

const what = DECIDE ? "decide()" : "evaluate()";
console.log(`${what} on ${POLICY}, ${CASES} cases (seed ${SEED}, ${GRID_MINUTES}-minute grid), ${ROUNDS} interleaved rounds of one process per build, median of ${PASSES} passes each`);
const times: number[][] = builds.map(() => []);
const digests: string[] = builds.map(() => "");
for (let r = 0; r < ROUNDS; r++) {
  for (let k = 0; k < builds.length; k++) {
    const i = (r + k) % builds.length;
    const report = run(builds[i]!.dir);
    // Agreement: a faster build that decides otherwise is no result.
    if (digests[i] === "") digests[i] = report.digest;
    if (report.digest !== digests[0] && digests[0] !== "") {
      console.error(`DISAGREEMENT: ${builds[i]!.name} decides otherwise than ${builds[0]!.name} (digest ${report.digest} against ${digests[0]})`);
      process.exit(1);
    }
    times[i]!.push(report.us);
  }
  process.stdout.write(`round ${r + 1}: ${builds.map((b, i) => `${b.name} ${times[i]![r]!.toFixed(2)}`).join(", ")} µs\n`);
}
console.log("decisions agree");
const base = times[0]!;
for (let i = 0; i < builds.length; i++) {
  const t = times[i]!;
  const ratio = median(t.map((x, r) => x / base[r]!));
  console.log(
    `${builds[i]!.name.padEnd(12)} median ${median(t).toFixed(2)} µs  best ${Math.min(...t).toFixed(2)} µs  ` +
      `${Math.round(1e6 / median(t)).toLocaleString("en-US")}/s  per-round ratio to ${builds[0]!.name} ${ratio.toFixed(3)}`,
  );
}

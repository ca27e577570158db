/**
 * `npm run bench`: Heed against its peers on the spec's inbound policy.
 *
 * 1. Generates the cases (seeded, deterministic).
 * 2. Checks that every implementation gives the same decisions (verdict and
 *    stage everywhere; notBefore between Heed and the hand-written peer;
 *    Heed's decide() equal to its evaluate()); a disagreement prints the
 *    first disagreeing case in full and exits 1.
 * 3. Times each implementation (median of several runs), then how Heed
 *    grows with history length and with policy size, and memory per snapshot.
 *
 * `--quick` (or HEED_BENCH_QUICK=1) runs small sizes in a few seconds;
 * `--agree-only [--seed=N] [--cases=N] [--grid-minutes=N]` only checks the
 * agreement (a coarse grid puts events exactly on timers and window edges).
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { cpus, loadavg, platform, release } from "node:os";
import { fileURLToPath } from "node:url";
import { stripSpans, type Policy } from "../src/ast.js";
import type { Engine, Snapshot } from "../src/engine/api.js";
import type { Decision, EvaluateInput, HistoryEvent } from "../src/model.js";
import { generateCases } from "./generate.js";
import { decideStored, evaluateHandwritten, normalize, outcomeOf as handOutcome, replayEvents, type ContactState, type HandDecision, type Outcome } from "./handwritten.js";
import { loadHeed, type HeedApi } from "./heed.js";
import { INBOUND_AST } from "./inbound-ast.js";
import { decideJre, evaluateJre, makeRulesEngine } from "./jre.js";
import { synthPolicy } from "./synth.js";
import { evaluateXState } from "./xstate.js";

const QUICK = process.argv.includes("--quick") || process.env.HEED_BENCH_QUICK === "1";
/** `--agree-only`: check the agreement and stop (with `--seed=N --cases=N`, a wider hunt for disagreements). */
const AGREE_ONLY = process.argv.includes("--agree-only");

function numberFlag(name: string): number | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (arg === undefined) return undefined;
  const value = Number(arg.slice(name.length + 3));
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} needs a whole number, got \`${arg.slice(name.length + 3)}\``);
    process.exit(2);
  }
  return value;
}

const SEED = numberFlag("seed") ?? 20261122;
const CASES = numberFlag("cases") ?? (QUICK ? 300 : 10_000);
/** `--grid-minutes=N`: instants on an N-minute grid instead of a 1-minute one (ties between events and timers). */
const GRID_MINUTES = numberFlag("grid-minutes") ?? 1;
const RUNS = QUICK ? 3 : 5;
const POLICY_FILE = fileURLToPath(new URL("./inbound.heed", import.meta.url));

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/**
 * The process's CPU time (user + system) in ms. Timing uses CPU time, not
 * wall time: the machine is shared, and waiting for a core is not work.
 */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Each timed run lasts at least this long (the loop repeats); warm-up at least twice as long. */
const MIN_RUN_MS = QUICK ? 20 : 150;

/** How many calls make a run of at least MIN_RUN_MS, from a warm-up of `reps` calls that took `warmMs`. */
function repsPerRun(warmMs: number, reps: number): number {
  return Math.max(1, Math.ceil(MIN_RUN_MS / Math.max(warmMs / reps, 0.001)));
}

/**
 * Decisions per second of `fn` (which makes `count` decisions), median of
 * `runs`. `fn` is repeated within a run until the run lasts MIN_RUN_MS, so
 * small workloads are not timed at the clock's resolution or while cold.
 */
function rate(count: number, runs: number, fn: () => void): number {
  let warm = 0;
  let reps = 0;
  const w0 = cpuMs();
  while (reps < 1 || warm < 2 * MIN_RUN_MS) {
    fn();
    reps++;
    warm = cpuMs() - w0;
  }
  const perRun = repsPerRun(warm, reps);
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = cpuMs();
    for (let k = 0; k < perRun; k++) fn();
    rates.push((count * perRun) / ((cpuMs() - t0) / 1000));
  }
  return median(rates);
}

/** One implementation in the throughput table: `fn` makes every decision once. */
interface Contender {
  name: string;
  runs: number;
  fn: () => void | Promise<void>;
}

/**
 * Decisions per second of each contender (each call of `fn` makes `count`),
 * the median of its runs. The runs are interleaved, one of each contender per
 * round, so that a change in the machine's load over the minutes of the
 * measurement weighs on every contender alike instead of on whichever ran
 * then. As in {@link rate}, each is warmed up, and a run repeats `fn` until
 * it lasts MIN_RUN_MS.
 */
async function interleavedRates(count: number, contenders: readonly Contender[]): Promise<[string, number][]> {
  const call = async (c: Contender): Promise<void> => {
    const pending = c.fn();
    if (pending instanceof Promise) await pending;
  };
  const perRun: number[] = [];
  for (const c of contenders) {
    let reps = 0;
    const w0 = cpuMs();
    while (reps < 1 || cpuMs() - w0 < 2 * MIN_RUN_MS) {
      await call(c);
      reps++;
    }
    perRun.push(repsPerRun(cpuMs() - w0, reps));
  }
  const rates: number[][] = contenders.map(() => []);
  const rounds = Math.max(...contenders.map((c) => c.runs));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[i]!;
      if (r >= c.runs) continue;
      const t0 = cpuMs();
      for (let k = 0; k < perRun[i]!; k++) await call(c);
      rates[i]!.push((count * perRun[i]!) / ((cpuMs() - t0) / 1000));
    }
  }
  return contenders.map((c, i) => [c.name, median(rates[i]!)]);
}

/** Median CPU time of one call of `fn` in milliseconds; calls repeat within a run as in {@link rate}. */
function timeMs(runs: number, fn: () => void): number {
  return 1000 / rate(1, runs, fn);
}

/** A Heed decision as the hand-written peer gives it: the reasons without their source spans. */
function withoutSpans(d: Decision): HandDecision {
  return { ...d, reasons: d.reasons.map((r) => ({ rule: r.rule, code: r.code, message: r.message })) };
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

function show(o: Outcome): unknown {
  if ("notBefore" in o && typeof o.notBefore === "number") return { ...o, notBefore: iso(o.notBefore) };
  return o;
}

interface Prepared {
  input: EvaluateInput;
  at: number;
  /** The history as stepped into a snapshot: deduplicated, up to `at`, in time order. */
  events: HistoryEvent[];
  times: number[];
}

function prepare(cases: readonly EvaluateInput[]): Prepared[] {
  return cases.map((input) => {
    const at = Date.parse(input.at);
    const { events, times } = normalize(input.history, at);
    return { input, at, events, times };
  });
}

function buildSnapshot(engine: Engine, p: Prepared): Snapshot {
  let s = engine.start(p.input.contact, p.events[0]?.at ?? p.input.at);
  for (const e of p.events) s = engine.step(s, e);
  return s;
}

function fail(message: string, p: Prepared, found: Record<string, unknown>): never {
  console.error(`\nDISAGREEMENT: ${message}`);
  console.error("case:", JSON.stringify(p.input, null, 2));
  for (const [name, value] of Object.entries(found)) console.error(`${name}:`, JSON.stringify(value, null, 2));
  process.exit(1);
}

/** JSON with object keys sorted, to compare values whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function compileInbound(heed: HeedApi): { policy: Policy; engine: Engine } {
  if (heed.parsePolicy === undefined) {
    console.log("the parser is not available yet: the engine runs the inbound policy's AST built by hand (bench/inbound-ast.ts)\n");
    return { policy: INBOUND_AST, engine: heed.compile(INBOUND_AST) };
  }
  const text = readFileSync(POLICY_FILE, "utf8");
  const { policy, diagnostics } = heed.parsePolicy(text, { file: "inbound.heed" });
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (policy === undefined || errors.length > 0) {
    console.error("bench/inbound.heed does not parse:", JSON.stringify(diagnostics, null, 2));
    process.exit(1);
  }
  if (canonical(stripSpans(policy)) !== canonical(stripSpans(INBOUND_AST))) {
    console.log("note: the parsed inbound.heed differs from bench/inbound-ast.ts (spans aside); the parsed one is benchmarked\n");
  }
  return { policy, engine: heed.compile(policy) };
}

/** Each zone's holiday region in the calendar variant; contacts in other zones, or without one, get the fallback (`US`). */
const REGION_OF_ZONE: Readonly<Record<string, string>> = {
  "America/New_York": "US-NY",
  "America/Los_Angeles": "US-CA",
  "Europe/London": "GB-ENG",
  "Europe/Berlin": "DE-BE",
  "Australia/Sydney": "AU-NSW",
};

/**
 * The inbound policy with its two holiday dates replaced by the public
 * holidays of each contact's region (`holidays from contact.country else
 * "US"`), on the same cases, each contact given the region of its zone:
 * `evaluate()` and `decide()` (which must agree), interleaved. No peer
 * reads regional calendars, so the row stands alone.
 */
async function calendarRates(heed: HeedApi, prepared: readonly Prepared[]): Promise<void> {
  const text = readFileSync(POLICY_FILE, "utf8").replace("holidays 2026-11-26, 2026-12-25", 'holidays from contact.country else "US"');
  const { policy, diagnostics } = heed.parsePolicy!(text, { file: "inbound-calendars.heed" });
  if (policy === undefined || diagnostics.some((d) => d.severity === "error")) {
    console.error("the calendar variant of bench/inbound.heed does not parse:", JSON.stringify(diagnostics, null, 2));
    process.exit(1);
  }
  const engine = heed.compile(policy);
  const cases: Prepared[] = prepared.map((p) => {
    const region = p.input.contact.timezone === undefined ? undefined : REGION_OF_ZONE[p.input.contact.timezone];
    if (region === undefined) return p;
    const contact = { ...p.input.contact, attributes: { ...p.input.contact.attributes, country: region } };
    return { ...p, input: { ...p.input, contact } };
  });
  const snapshots = cases.map((p) => buildSnapshot(engine, p));
  const changed = cases.filter((p) => JSON.stringify(engine.evaluate(p.input)) !== JSON.stringify(engine.evaluate({ ...p.input, contact: { ...p.input.contact, attributes: { ...p.input.contact.attributes, country: "US" } } }))).length;
  cases.forEach((p, i) => {
    const evaluated = engine.evaluate(p.input);
    const decided = engine.decide(snapshots[i]!, p.input.touch, p.input.at);
    if (JSON.stringify(evaluated) !== JSON.stringify(decided)) fail(`case ${i}: with holiday calendars, Heed decide() differs from evaluate()`, p, { evaluate: evaluated, decide: decided });
  });
  const results = await interleavedRates(cases.length, [
    { name: "Heed evaluate(), holiday calendars", runs: RUNS, fn: () => cases.forEach((p) => engine.evaluate(p.input)) },
    { name: "Heed decide(), holiday calendars", runs: RUNS, fn: () => cases.forEach((p, i) => engine.decide(snapshots[i]!, p.input.touch, p.input.at)) },
  ]);
  console.log(`\nholiday calendars (\`holidays from contact.country else "US"\`, regions by zone; decide() equals evaluate() on all ${fmt(cases.length)}; ${fmt(changed)} decisions differ from a US calendar)`);
  for (const [name, r] of results) console.log(`  ${name.padEnd(36)} ${fmt(r).padStart(12)} /s`);
}

function target(label: string, ok: boolean, detail: string): void {
  console.log(`  ${ok ? "PASS" : "MISS"}  ${label} (${detail})`);
}

async function main(): Promise<void> {
  console.log(`Heed benchmark${QUICK ? " (quick)" : ""}`);
  console.log(`machine: ${cpus()[0]?.model ?? "unknown cpu"} x${cpus().length}, ${platform()} ${release()}, node ${process.version}`);
  console.log(`load average at start: ${loadavg().map((x) => fmt(x, 2)).join(", ")} (other work on the machine skews the numbers)`);
  const grid = GRID_MINUTES === 1 ? "" : `, instants on a ${GRID_MINUTES}-minute grid`;
  console.log(`cases: ${fmt(CASES)} contacts, 20-60 events each, seed ${SEED}${grid}; median of ${RUNS} runs\n`);

  const loaded = await loadHeed();
  const heed = loaded.api;
  console.log(`Heed loaded from ${loaded.source}`);
  if (loaded.missing.length > 0) console.log(`not available yet: ${loaded.missing.join(", ")}`);
  console.log("");

  // ------------------------------------------------------------ policy size
  // Measured first, while the heap is small (as in `heed check`): later, the
  // cases and snapshots held for the other measurements make every garbage
  // collection dearer, and the larger policies, which allocate more, pay for it.
  const sizes = heed !== undefined && !AGREE_ONLY ? policyGrowth(heed) : undefined;
  if (heed !== undefined && !AGREE_ONLY && sizes === undefined) console.log("\npolicy size: not measured, the parser is not available yet");
  if (sizes !== undefined) console.log("");

  const prepared = prepare(generateCases(SEED, CASES, { events: [20, 60], grid: Math.max(1, GRID_MINUTES) * 60_000 }));
  const rules = makeRulesEngine();

  let engine: Engine | undefined;
  let snapshots: Snapshot[] = [];
  if (heed !== undefined) {
    engine = compileInbound(heed).engine;
    snapshots = prepared.map((p) => buildSnapshot(engine!, p));
  }

  // ------------------------------------------------------------ agreement
  const tally: Record<string, number> = {};
  for (let i = 0; i < prepared.length; i++) {
    const p = prepared[i]!;
    const full = evaluateHandwritten(p.input);
    const stored = decideStored(replayEvents(p.events, p.times, p.at), p.input.contact, p.input.touch, p.input.at);
    if (JSON.stringify(stored) !== JSON.stringify(full)) {
      fail(`case ${i}: the hand-written peer decides otherwise on its stored state`, p, { replay: full, stored });
    }
    const hw = handOutcome(full);
    const jre = await evaluateJre(rules, p.input);
    const jreStored = await decideJre(rules, replayEvents(p.events, p.times, p.at), p.input, p.at);
    const xs = evaluateXState(p.input);
    tally[`${hw.verdict}`] = (tally[`${hw.verdict}`] ?? 0) + 1;
    const peers: [string, Outcome][] = [
      ["json-rules-engine", jre],
      ["json-rules-engine (stored state)", jreStored],
      ["xstate", xs],
    ];
    if (engine !== undefined) {
      let evaluated: Decision;
      let decided: Decision;
      try {
        evaluated = engine.evaluate(p.input);
        decided = engine.decide(snapshots[i]!, p.input.touch, p.input.at);
      } catch (error) {
        fail(`case ${i}: Heed threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, p, { handwritten: full });
      }
      if (JSON.stringify(evaluated) !== JSON.stringify(decided)) {
        fail(`case ${i}: Heed decide() differs from evaluate()`, p, { evaluate: evaluated, decide: decided });
      }
      // the whole decision, messages and alternatives included; spans aside (the peer has no source)
      if (JSON.stringify(withoutSpans(evaluated)) !== JSON.stringify(full)) {
        fail(`case ${i}: Heed and the hand-written peer decide differently`, p, { heed: withoutSpans(evaluated), handwritten: full });
      }
    }
    for (const [name, o] of peers) {
      if (o.verdict !== hw.verdict || o.stage !== hw.stage) {
        fail(`case ${i}: ${name} says ${o.verdict} in ${o.stage}, the hand-written peer ${hw.verdict} in ${hw.stage}`, p, {
          handwritten: show(hw),
          [name]: show(o),
        });
      }
      if (o.reasons.join() !== hw.reasons.join()) {
        fail(`case ${i}: ${name} gives other reasons than the hand-written peer`, p, { handwritten: show(hw), [name]: show(o) });
      }
      if (o.notBefore !== hw.notBefore) {
        fail(`case ${i}: ${name} gives another notBefore than the hand-written peer`, p, { handwritten: show(hw), [name]: show(o) });
      }
      if (o.alternatives?.join() !== hw.alternatives?.join()) {
        fail(`case ${i}: ${name} gives other alternatives than the hand-written peer`, p, { handwritten: show(hw), [name]: show(o) });
      }
    }
  }
  const implementations = engine !== undefined ? "Heed evaluate, Heed decide, hand-written (replay and stored state), json-rules-engine (replay and stored state), XState" : "hand-written (replay and stored state), json-rules-engine (replay and stored state), XState";
  console.log(`agreement: ${implementations} agree on all ${fmt(CASES)} decisions`);
  console.log(`  verdicts: ${Object.entries(tally).map(([k, v]) => `${k} ${fmt(v)}`).join(", ")}`);
  if (engine !== undefined) {
    console.log("  Heed's decisions equal the hand-written peer's in full (reasons with messages, notBefore, alternatives; spans aside)");
  }

  if (AGREE_ONLY) return;

  // ------------------------------------------------------------ throughput
  console.log(`\nthroughput (decisions per CPU second, median of ${RUNS} runs, interleaved)`);
  // what a stored-state integration keeps: the state after the contact's last event
  const states: ContactState[] = prepared.map((p) => replayEvents(p.events, p.times, p.at));
  const contenders: Contender[] = [];
  if (engine !== undefined) {
    const e = engine;
    contenders.push({ name: "Heed evaluate() (replay)", runs: RUNS, fn: () => prepared.forEach((p) => e.evaluate(p.input)) });
    contenders.push({
      name: "Heed decide() (snapshot)",
      runs: RUNS,
      fn: () => prepared.forEach((p, i) => e.decide(snapshots[i]!, p.input.touch, p.input.at)),
    });
  }
  contenders.push({ name: "hand-written (replay)", runs: RUNS, fn: () => prepared.forEach((p) => evaluateHandwritten(p.input)) });
  contenders.push({
    name: "hand-written (stored state)",
    runs: RUNS,
    fn: () => prepared.forEach((p, i) => decideStored(states[i]!.clone(), p.input.contact, p.input.touch, p.input.at)),
  });
  contenders.push({
    name: "json-rules-engine",
    runs: Math.min(RUNS, 3),
    fn: async () => {
      for (const p of prepared) await evaluateJre(rules, p.input);
    },
  });
  contenders.push({
    name: "json-rules-engine (stored state)",
    runs: Math.min(RUNS, 3),
    fn: async () => {
      for (let i = 0; i < prepared.length; i++) await decideJre(rules, states[i]!.clone(), prepared[i]!.input, prepared[i]!.at);
    },
  });
  contenders.push({ name: "XState v5", runs: Math.min(RUNS, 3), fn: () => prepared.forEach((p) => evaluateXState(p.input)) });
  const results = await interleavedRates(CASES, contenders);
  const heedEval = results.find(([n]) => n.startsWith("Heed evaluate"))?.[1];
  for (const [name, r] of results) {
    const ratio = heedEval === undefined ? "" : `  ${fmt(r / heedEval, 2)}x Heed evaluate`;
    console.log(`  ${name.padEnd(30)} ${fmt(r).padStart(12)} /s${ratio}`);
  }
  const get = (prefix: string): number => results.find(([n]) => n.startsWith(prefix))![1];
  const withFacts = engine !== undefined && heed?.parsePolicy !== undefined ? await factsPolicyRates(heed, prepared, engine, snapshots) : undefined;

  if (withFacts !== undefined) {
    console.log(`\nthe inbound policy with the forms of spec section 8 (bench/facts.heed: facts, when/unless, by campaign), interleaved with the inbound policy`);
    console.log(`  ${"Heed evaluate() (replay)".padEnd(30)} ${fmt(withFacts.evaluate).padStart(12)} /s  ${fmt(withFacts.evaluate / withFacts.inboundEvaluate, 2)}x Heed evaluate on inbound (${fmt(withFacts.inboundEvaluate)} /s in these runs)`);
    console.log(`  ${"Heed decide() (snapshot)".padEnd(30)} ${fmt(withFacts.decide).padStart(12)} /s  ${fmt(withFacts.decide / withFacts.inboundDecide, 2)}x Heed decide on inbound (${fmt(withFacts.inboundDecide)} /s in these runs)`);
    console.log(`  snapshot JSON ${fmt(withFacts.snapshotJson)} bytes on average; outcomes ${Object.entries(withFacts.outcomes).map(([k, v]) => `${k} ${fmt(v)}`).join(", ")}`);
  }

  if (heed?.parsePolicy !== undefined) await calendarRates(heed, prepared);

  // ------------------------------------------------------------ memory
  let snapshotJson = 0;
  let snapshotHeap: number | undefined;
  let retained: Snapshot[] = [];
  if (engine !== undefined) {
    snapshotJson = snapshots.reduce((sum, s) => sum + Buffer.byteLength(JSON.stringify(s)), 0) / snapshots.length;
    if (gc !== undefined) {
      const texts = snapshots.map((s) => JSON.stringify(s));
      snapshots = [];
      gc();
      gc();
      const before = process.memoryUsage().heapUsed;
      const copies = Math.max(texts.length, 20_000);
      const kept: Snapshot[] = [];
      for (let i = 0; i < copies; i++) kept.push(JSON.parse(texts[i % texts.length]!) as Snapshot);
      gc();
      gc();
      snapshotHeap = (process.memoryUsage().heapUsed - before) / kept.length;
      // the snapshots must stay reachable until the heap has been measured
      retained = kept;
    }
    const heapText =
      snapshotHeap === undefined ? "heap n/a (run with --expose-gc)" : `${fmt(snapshotHeap)} bytes of heap (over ${fmt(retained.length)} parsed copies)`;
    console.log(`\nmemory per snapshot: ${fmt(snapshotJson)} bytes of JSON, ${heapText}`);
    retained = [];
  }

  // ------------------------------------------------------------ history length
  const growth = engine !== undefined ? historyGrowth(engine) : undefined;


  // ------------------------------------------------------------ targets
  console.log("\ntargets");
  if (engine === undefined || growth === undefined) {
    console.log("  (Heed is not available yet: no targets to check)");
    return;
  }
  const evalRate = get("Heed evaluate");
  const decideRate = get("Heed decide");
  const hwReplay = get("hand-written (replay)");
  const hwStored = get("hand-written (stored state)");
  target("evaluate within 2x of hand-written", hwReplay / evalRate <= 2, `${fmt(hwReplay / evalRate, 2)}x slower`);
  target("decide within 1.5x of hand-written (stored state)", hwStored / decideRate <= 1.5, `${fmt(hwStored / decideRate, 2)}x slower`);
  const jreReplay = get("json-rules-engine");
  const jreStored = get("json-rules-engine (stored state)");
  target("Heed >= 20x json-rules-engine, replay: evaluate() vs json-rules-engine", evalRate / jreReplay >= 20, `${fmt(evalRate / jreReplay, 1)}x`);
  target(
    "Heed >= 20x json-rules-engine, stored state: decide() vs json-rules-engine on stored state",
    decideRate / jreStored >= 20,
    `${fmt(decideRate / jreStored, 1)}x`,
  );
  target("Heed >= 5x XState", evalRate / get("XState") >= 5, `${fmt(evalRate / get("XState"), 1)}x`);
  const d10 = growth.decide[0]!;
  const dMax = growth.decide[growth.decide.length - 1]!;
  target(`decide flat from ${fmt(growth.lengths[0]!)} to ${fmt(growth.lengths[growth.lengths.length - 1]!)} events (<= 1.5x)`, dMax / d10 <= 1.5, `${fmt(dMax / d10, 2)}x`);
  const e0 = growth.evaluate[0]!;
  const eN = growth.evaluate[growth.evaluate.length - 1]!;
  const lengthRatio = growth.lengths[growth.lengths.length - 1]! / growth.lengths[0]!;
  const slope = Math.log(eN / e0) / Math.log(lengthRatio);
  target("evaluate linear or better in history length", slope <= 1.15, `time x${fmt(eN / e0, 0)} for events x${fmt(lengthRatio)}, exponent ${fmt(slope, 2)}`);
  if (sizes === undefined) {
    console.log("  ----  compile and check 200 vs 20 stages <= 15x (not measured: no parser yet)");
    return;
  }
  for (const [what, ratio] of [
    ["compile", sizes.compileRatio],
    ["check", sizes.checkRatio],
  ] as const) {
    target(`${what} 200 vs 20 stages <= 15x`, ratio <= 15, `${fmt(ratio, 1)}x`);
  }
}

/**
 * The inbound policy with facts, conditional rules and a limit by campaign
 * (`bench/facts.heed`), on the same cases: Heed alone (no peer speaks
 * these forms), with `decide()` checked against `evaluate()` on every case
 * before timing. Timed interleaved with the inbound policy's engine
 * (`inbound`, `inboundSnapshots`) in the same runs, so that the ratio
 * between the two is not the drift of a shared machine between two
 * measurements.
 */
async function factsPolicyRates(
  heed: HeedApi,
  prepared: ReturnType<typeof prepare>,
  inbound: Engine,
  inboundSnapshots: readonly Snapshot[],
): Promise<{ evaluate: number; decide: number; inboundEvaluate: number; inboundDecide: number; snapshotJson: number; outcomes: Record<string, number> }> {
  const text = readFileSync(fileURLToPath(new URL("./facts.heed", import.meta.url)), "utf8");
  const { policy, diagnostics } = heed.parsePolicy!(text, { file: "facts.heed" });
  if (policy === undefined || diagnostics.some((d) => d.severity === "error")) {
    console.error("bench/facts.heed does not parse:", JSON.stringify(diagnostics, null, 2));
    process.exit(1);
  }
  const engine = heed.compile(policy);
  const snapshots = prepared.map((p) => buildSnapshot(engine, p));
  const outcomes: Record<string, number> = {};
  prepared.forEach((p, i) => {
    const evaluated = engine.evaluate(p.input);
    const decided = engine.decide(snapshots[i]!, p.input.touch, p.input.at);
    if (JSON.stringify(evaluated) !== JSON.stringify(decided)) fail(`case ${i}: on bench/facts.heed, decide() differs from evaluate()`, p, { evaluate: evaluated, decide: decided });
    outcomes[evaluated.verdict] = (outcomes[evaluated.verdict] ?? 0) + 1;
  });
  const snapshotJson = snapshots.reduce((sum, s) => sum + Buffer.byteLength(JSON.stringify(s)), 0) / snapshots.length;
  const rates = new Map(
    await interleavedRates(prepared.length, [
      { name: "inbound evaluate", runs: RUNS, fn: () => prepared.forEach((p) => inbound.evaluate(p.input)) },
      { name: "facts evaluate", runs: RUNS, fn: () => prepared.forEach((p) => engine.evaluate(p.input)) },
      { name: "inbound decide", runs: RUNS, fn: () => prepared.forEach((p, i) => inbound.decide(inboundSnapshots[i]!, p.input.touch, p.input.at)) },
      { name: "facts decide", runs: RUNS, fn: () => prepared.forEach((p, i) => engine.decide(snapshots[i]!, p.input.touch, p.input.at)) },
    ]),
  );
  return {
    evaluate: rates.get("facts evaluate")!,
    decide: rates.get("facts decide")!,
    inboundEvaluate: rates.get("inbound evaluate")!,
    inboundDecide: rates.get("inbound decide")!,
    snapshotJson,
    outcomes,
  };
}

interface Growth {
  lengths: number[];
  evaluate: number[];
  decide: number[];
}

/** Heed's evaluate() and decide() time per decision as histories grow. */
function historyGrowth(engine: Engine): Growth {
  const lengths = QUICK ? [10, 100, 1000] : [10, 100, 1000, 10_000];
  console.log("\nhistory length (CPU microseconds per decision)");
  console.log(`  ${"events".padStart(8)} ${"evaluate".padStart(12)} ${"decide".padStart(12)} ${"hand-written".padStart(13)} ${"snapshot".padStart(10)}`);
  const growth: Growth = { lengths, evaluate: [], decide: [] };
  for (const n of lengths) {
    const count = Math.max(QUICK ? 2 : 10, Math.min(QUICK ? 50 : 1000, Math.floor((QUICK ? 2_000 : 200_000) / n)));
    const prepared = prepare(generateCases(SEED + n, count, { events: n, closing: false }));
    const snaps = prepared.map((p) => buildSnapshot(engine, p));
    const evalUs = 1e6 / rate(count, RUNS, () => prepared.forEach((p) => engine.evaluate(p.input)));
    const decideUs = 1e6 / rate(count, RUNS, () => prepared.forEach((p, i) => engine.decide(snaps[i]!, p.input.touch, p.input.at)));
    const hwUs = 1e6 / rate(count, RUNS, () => prepared.forEach((p) => evaluateHandwritten(p.input)));
    const bytes = snaps.reduce((s, x) => s + JSON.stringify(x).length, 0) / snaps.length;
    growth.evaluate.push(evalUs);
    growth.decide.push(decideUs);
    console.log(`  ${fmt(n).padStart(8)} ${fmt(evalUs, 1).padStart(12)} ${fmt(decideUs, 1).padStart(12)} ${fmt(hwUs, 1).padStart(13)} ${fmt(bytes).padStart(8)} B`);
  }
  return growth;
}

/** A fixed exploration budget, so that diff times compare policy sizes and not budgets. */
const DIFF_OPTIONS = { depth: 1, maxHistories: 2000 };

/** Parse, compile, check and diff times as policies grow. */
function policyGrowth(heed: HeedApi): { compileRatio: number; checkRatio: number } | undefined {
  const parsePolicy = heed.parsePolicy;
  if (parsePolicy === undefined) return undefined;
  const sizes = QUICK ? [5, 20, 200] : [5, 20, 50, 200];
  const runs = QUICK ? 3 : RUNS;
  console.log("\npolicy size (CPU milliseconds, median)");
  console.log(`  ${"stages+rules".padStart(12)} ${"parse".padStart(9)} ${"compile".padStart(9)} ${"check".padStart(9)} ${"diff".padStart(9)}`);
  const compileMs: Record<number, number> = {};
  const checkMs: Record<number, number> = {};
  for (const n of sizes) {
    const text = synthPolicy(n);
    const changed = synthPolicy(n, { variant: true });
    const parsed = parsePolicy(text, { file: `synth-${n}.heed` });
    const errors = parsed.diagnostics.filter((d) => d.severity === "error");
    if (parsed.policy === undefined || errors.length > 0) {
      console.error(`synthetic policy of size ${n} does not parse:`, JSON.stringify(errors.slice(0, 3)));
      process.exit(1);
    }
    const policy = parsed.policy;
    const parseMs = timeMs(runs, () => parsePolicy(text, { file: "synth.heed" }));
    try {
      heed.compile(policy);
    } catch (error) {
      console.error(`synthetic policy of size ${n} does not compile:`, error);
      process.exit(1);
    }
    compileMs[n] = timeMs(runs, () => heed.compile(policy));
    // what `heed check` does per file: parsePolicy (which validates), then the analysis
    checkMs[n] = timeMs(runs, () => {
      const p = parsePolicy(text, { file: "synth.heed" });
      if (p.policy !== undefined) heed.analyzePolicy?.(p.policy);
    });
    let diff = "not yet";
    if (heed.diffPolicies !== undefined) {
      const other = parsePolicy(changed, { file: "synth2.heed" }).policy;
      if (QUICK) diff = "skipped";
      else if (other !== undefined) diff = fmt(timeMs(1, () => heed.diffPolicies!(policy, other, DIFF_OPTIONS)), 1);
    }
    console.log(`  ${fmt(n).padStart(12)} ${fmt(parseMs, 2).padStart(9)} ${fmt(compileMs[n]!, 2).padStart(9)} ${fmt(checkMs[n]!, 2).padStart(9)} ${diff.padStart(9)}`);
  }
  return { compileRatio: compileMs[200]! / compileMs[20]!, checkRatio: checkMs[200]! / checkMs[20]! };
}

await main();

// ------------------------------------------------------------ gate attempts
if (!AGREE_ONLY) {
  const { measureGateAttempts, printGateAttempts } = await import("./gate.js");
  const { MemoryStore } = await import("../src/adapters/store/memory.js");
  const rows = await measureGateAttempts(async () => new MemoryStore(), { runs: QUICK ? 2 : 5 });
  printGateAttempts("gate attempts, memory store (wall-clock microseconds, one worker; bench/gate.ts)", rows);
  const ratio = rows[rows.length - 1]!.microsPerAttempt / rows[0]!.microsPerAttempt;
  target("gate attempt flat in history: 10,000 events within 1.5x of 10", ratio <= 1.5, `${fmt(ratio, 2)}x`);
}

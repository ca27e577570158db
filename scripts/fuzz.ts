/**
 * Long fuzzing runs, far beyond the test suite:
 *
 *   npm run fuzz                                    # the properties below, then 2,000 hostile inputs (a minute or two)
 *   npx tsx scripts/fuzz.ts [--runs N] [--seed S]   # more property runs, another seed
 *   npx tsx scripts/fuzz.ts --hostile-only --inputs 1000000 --seed S [--from I] [--workers W] [--silent-every K] [--report FILE]
 *
 * Two parts.
 *
 * The properties of the DSL front end: printing and parsing an arbitrary
 * policy gives it back, the formatter is idempotent, and mutated policies
 * and arbitrary text never make the parser throw, hang or return a policy
 * beside an error.
 *
 * The hostile inputs (`test/parser/hostile.ts`): policy texts in both forms
 * with the names of `Object.prototype` wherever the grammar takes a word,
 * huge numbers, deep nesting, long lines, random bytes and mutated real
 * policies, each parsed, checked (the static analysis; the silent contact
 * for one input in `--silent-every`), compiled and evaluated with hostile
 * contacts and histories (`evaluate`, and `step`/`decide` through a
 * snapshot). A failure is a throw other than a diagnostic or a typed input
 * error, a diagnostic without a line and column, or an input that takes
 * more than a second of CPU. The inputs run in worker processes watched by
 * this one: an input still running after `--hang-seconds` is reported as a
 * hang and its worker replaced. The workers run this script bundled by
 * esbuild into `.tmp/fuzz/worker.mjs` under plain Node, as the product runs
 * compiled: under tsx, every arrow function of the grammar is wrapped to
 * keep its name, which made parsing long texts up to twice as slow, and
 * each worker took 3 s of CPU to start.
 *
 * Input I of seed S is always the same input: a failure is reproduced by
 * `--seed S --from I --inputs 1`. Failures print their seed and index; a
 * fixed one belongs in a regression test.
 */

import fc from "fast-check";
import { build } from "esbuild";
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";

import { stripSpans, type Policy } from "../src/ast.js";
import { hasErrors } from "../src/diagnostics.js";
import { parseDsl } from "../src/parser/dsl.js";
import { formatPolicy } from "../src/parser/format.js";
import * as leaf from "../src/parser/leaf.js";
import { arbMutations, arbPolicy, arbSoup, mutate } from "../test/parser/arbitraries.js";
import { hostileInput, runHostile } from "../test/parser/hostile.js";

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const seed = option("seed") === undefined ? Date.now() % 2 ** 31 : Number(option("seed"));
/** More than this much CPU for one input is a failure. */
const SLOW_MS = 1_000;

// ---------------------------------------------------------------- a worker: runs inputs, reports each

interface Started {
  kind: "started";
  index: number;
}

interface Finished {
  kind: "finished";
  index: number;
  family: string;
  format: string;
  length: number;
  cpuMs: number;
  wallMs: number;
  compiled: boolean;
  silent: boolean;
  evaluations: number;
  failures: string[];
}

/** A worker's last message: the CPU its whole process used (start, generating the inputs, messages and garbage collection included). */
interface Done {
  kind: "done";
  cpuMs: number;
  /** Of which loading the code, before the first input. */
  startMs: number;
}

function runWorker(): void {
  const from = Number(option("from") ?? 0);
  const to = Number(option("to") ?? from);
  const silentEvery = Number(option("silent-every") ?? 1);
  const send = (message: Started | Finished | Done): void => {
    process.send!(message);
  };
  const loaded = process.cpuUsage();
  for (let index = from; index < to; index++) {
    send({ kind: "started", index });
    const input = hostileInput(seed, index);
    const cpu = process.cpuUsage();
    const wall = performance.now();
    const outcome = runHostile(input, 14, silentEvery);
    const used = process.cpuUsage(cpu);
    send({
      kind: "finished",
      index,
      family: input.family,
      format: input.format,
      length: input.text.length,
      cpuMs: (used.user + used.system) / 1000,
      wallMs: performance.now() - wall,
      compiled: outcome.compiled,
      silent: outcome.silent,
      evaluations: outcome.evaluations,
      failures: outcome.failures,
    });
  }
  const total = process.cpuUsage();
  send({ kind: "done", cpuMs: (total.user + total.system) / 1000, startMs: (loaded.user + loaded.system) / 1000 });
  process.disconnect?.();
}

// ---------------------------------------------------------------- the hostile run: workers under a watchdog

interface Slowest {
  index: number;
  family: string;
  format: string;
  length: number;
  cpuMs: number;
  wallMs: number;
}

interface Report {
  seed: number;
  from: number;
  inputs: number;
  workers: number;
  silentEvery: number;
  families: Record<string, number>;
  compiled: number;
  silentContacts: number;
  evaluations: number;
  failures: number;
  crashes: number;
  unplacedDiagnostics: number;
  hangs: number;
  /** Workers that stopped before their last input (each a failure at the input it was on). */
  workerStops: number;
  overOneSecond: number;
  slowest: Slowest | undefined;
  /** The CPU of the inputs themselves: parse, checks, compile and evaluations, summed per input. */
  cpuSeconds: number;
  /** The CPU of the workers' processes (start, generating inputs, messages, garbage collection between inputs) and of this one beyond `cpuSeconds`: what the harness costs. */
  harnessCpuSeconds: number;
  /** Of which the workers' start (loading the code through tsx). */
  workerStartCpuSeconds: number;
  wallSeconds: number;
  meanCpuMs: number;
}

function saveFailure(index: number, messages: readonly string[]): void {
  const input = hostileInput(seed, index);
  const folder = join(import.meta.dirname, "..", ".tmp", "fuzz-failures");
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${seed}-${index}.${input.format === "dsl" ? "heed" : "heed.yaml"}`);
  writeFileSync(file, input.text);
  console.log(`FAIL seed ${seed} input ${index} (${input.family}, ${input.format}, ${input.text.length} characters, saved to ${file})`);
  for (const message of messages.slice(0, 5)) console.log(`  ${message}`);
}

/** This script as one ES module for plain Node, at a depth under the repository where `test/parser/hostile.ts` finds the examples. */
async function bundleWorker(): Promise<string> {
  const outfile = join(import.meta.dirname, "..", ".tmp", "fuzz", "worker.mjs");
  await build({ entryPoints: [import.meta.filename], outfile, bundle: true, platform: "node", format: "esm", target: "node20", packages: "external", logLevel: "warning" });
  return outfile;
}

let workerScript = "";

async function runHostileInputs(from: number, count: number, workers: number, silentEvery: number, hangSeconds: number): Promise<Report> {
  workerScript = await bundleWorker();
  const report: Report = {
    seed,
    from,
    inputs: 0,
    workers,
    silentEvery,
    families: {},
    compiled: 0,
    silentContacts: 0,
    evaluations: 0,
    failures: 0,
    crashes: 0,
    unplacedDiagnostics: 0,
    hangs: 0,
    workerStops: 0,
    overOneSecond: 0,
    slowest: undefined,
    cpuSeconds: 0,
    harnessCpuSeconds: 0,
    workerStartCpuSeconds: 0,
    wallSeconds: 0,
    meanCpuMs: 0,
  };
  const started = performance.now();
  const end = from + count;
  const share = Math.ceil(count / workers);
  let lastProgress = performance.now();
  const ownCpu = process.cpuUsage();
  // the CPU of workers that finished (a worker killed as hung reports none)
  let workerCpuMs = 0;

  const startWorker = (first: number, last: number): Promise<void> =>
    new Promise((resolve) => {
      if (first >= last) {
        resolve();
        return;
      }
      const args = ["--worker", "--seed", String(seed), "--from", String(first), "--to", String(last), "--silent-every", String(silentEvery)];
      const child: ChildProcess = fork(workerScript, args, { execArgv: [], stdio: ["ignore", "inherit", "inherit", "ipc"] });
      let current = first;
      // set while an input runs: a worker's start (loading the code) is no input's time
      let since: number | undefined;
      let done = false;
      const watchdog = setInterval(() => {
        if (done || since === undefined || performance.now() - since < hangSeconds * 1000) return;
        // an input that never returns: report it, and go on after it in a new worker
        done = true;
        clearInterval(watchdog);
        report.hangs++;
        report.failures++;
        saveFailure(current, [`still running after ${hangSeconds} s`]);
        child.kill("SIGKILL");
        void startWorker(current + 1, last).then(resolve);
      }, 1000);
      child.on("message", (message: Started | Finished | Done) => {
        if (message.kind === "done") {
          workerCpuMs += message.cpuMs;
          report.workerStartCpuSeconds += message.startMs / 1000;
          return;
        }
        if (message.kind === "started") {
          current = message.index;
          since = performance.now();
          return;
        }
        since = undefined;
        finished = message.index;
        report.inputs++;
        report.families[message.family] = (report.families[message.family] ?? 0) + 1;
        if (message.compiled) report.compiled++;
        if (message.silent) report.silentContacts++;
        report.evaluations += message.evaluations;
        report.cpuSeconds += message.cpuMs / 1000;
        const failures = [...message.failures];
        if (message.cpuMs > SLOW_MS) {
          report.overOneSecond++;
          failures.push(`took ${Math.round(message.cpuMs)} ms of CPU (${Math.round(message.wallMs)} ms)`);
        }
        if (failures.length > 0) {
          report.failures++;
          if (message.failures.some((f) => f.includes(" threw "))) report.crashes++;
          if (message.failures.some((f) => f.includes("without a position"))) report.unplacedDiagnostics++;
          saveFailure(message.index, failures);
        }
        if (report.slowest === undefined || message.cpuMs > report.slowest.cpuMs) {
          report.slowest = { index: message.index, family: message.family, format: message.format, length: message.length, cpuMs: message.cpuMs, wallMs: message.wallMs };
        }
        if (performance.now() - lastProgress > 60_000) {
          lastProgress = performance.now();
          const minutes = ((performance.now() - started) / 60_000).toFixed(1);
          console.log(`${report.inputs} inputs in ${minutes} min, ${report.failures} failures, slowest ${Math.round(report.slowest.cpuMs)} ms (input ${report.slowest.index})`);
        }
      });
      let finished = first - 1;
      child.on("exit", (code, signal) => {
        if (done) return;
        done = true;
        clearInterval(watchdog);
        if (finished >= last - 1) {
          resolve();
          return;
        }
        // a worker gone before its last input (killed from outside, out of memory): a failure at the
        // input it was on, and the rest in a new worker, never a range silently skipped
        const at = since === undefined ? finished + 1 : current;
        report.workerStops++;
        report.failures++;
        saveFailure(at, [`the worker stopped (exit code ${code}, signal ${signal}) during this input`]);
        void startWorker(at + 1, last).then(resolve);
      });
    });

  const runs: Promise<void>[] = [];
  for (let w = 0; w < workers; w++) runs.push(startWorker(from + w * share, Math.min(end, from + (w + 1) * share)));
  await Promise.all(runs);
  report.wallSeconds = (performance.now() - started) / 1000;
  const own = process.cpuUsage(ownCpu);
  report.harnessCpuSeconds = (own.user + own.system + workerCpuMs * 1000) / 1e6 - report.cpuSeconds;
  report.meanCpuMs = report.inputs === 0 ? 0 : (report.cpuSeconds * 1000) / report.inputs;
  return report;
}

// ---------------------------------------------------------------- the properties of the DSL front end

/** The bundled inbound policy (read when the properties run: a worker, bundled elsewhere, does not). */
let inbound = "";
const SLOW_PARSE_MS = 2000;
const LEAVES = [
  leaf.parseDurationText,
  leaf.parseWindowText,
  leaf.parseConditionText,
  leaf.parseTimeOfDayText,
  leaf.parseQuietHoursText,
  leaf.parseAfterText,
  leaf.parseChannelSetText,
];

function sound(text: string): boolean {
  const started = performance.now();
  const { policy, diagnostics } = parseDsl(text, { file: "fuzz.heed" });
  const elapsed = performance.now() - started;
  if (elapsed > SLOW_PARSE_MS) throw new Error(`parse took ${Math.round(elapsed)} ms`);
  if (policy === undefined) return hasErrors(diagnostics);
  if (hasErrors(diagnostics)) return false;
  const again = parseDsl(formatPolicy(policy)).policy;
  return isDeepStrictEqual(stripSpans(again), stripSpans(policy));
}

function runProperties(runs: number): boolean {
  inbound = readFileSync(join(import.meta.dirname, "..", "examples", "inbound.heed"), "utf8");
  const properties: [string, fc.IProperty<never> | fc.IProperty<[unknown]> | fc.IProperty<unknown[]>][] = [
    [
      "print then parse gives the AST back",
      fc.property(arbPolicy, (policy) => {
        const parsed = parseDsl(formatPolicy(policy));
        return parsed.diagnostics.length === 0 && isDeepStrictEqual(stripSpans(parsed.policy), stripSpans(policy));
      }),
    ],
    [
      "format is idempotent",
      fc.property(arbPolicy, (policy) => {
        const once = formatPolicy(policy);
        const again = parseDsl(once).policy;
        return again !== undefined && formatPolicy(again) === once;
      }),
    ],
    ["mutated inbound policy is parsed soundly", fc.property(arbMutations, (m) => sound(mutate(inbound, m)))],
    [
      "mutated arbitrary policy is parsed soundly",
      fc.property(arbPolicy, arbMutations, (p, m) => sound(mutate(formatPolicy(p), m))),
    ],
    ["arbitrary text is parsed soundly", fc.property(fc.string({ maxLength: 400 }), sound)],
    ["token soup is parsed soundly", fc.property(arbSoup, (s) => sound(`cadence "p" {\n${s}\n}`))],
    [
      "leaf sub-grammars give a value or an error, never both, never a throw",
      fc.property(fc.oneof(arbSoup, fc.string({ maxLength: 60 })), (text) =>
        LEAVES.every((parse) => {
          const { value, diagnostics } = parse(text, { line: 3, column: 7, offset: 40 });
          return (value === undefined) === hasErrors(diagnostics);
        }),
      ),
    ],
  ];
  let failed = false;
  for (const [name, property] of properties) {
    const started = performance.now();
    const result = fc.check(property as fc.IProperty<unknown[]>, { numRuns: runs, seed });
    const ms = Math.round(performance.now() - started);
    if (result.failed) {
      failed = true;
      console.log(`FAIL ${name} (seed ${seed}, path ${result.counterexamplePath})`);
      const example = result.counterexample;
      const shown = example?.map((value) => (typeof value === "object" && value !== null && "stages" in value ? formatPolicy(value as Policy) : value));
      console.log(JSON.stringify(shown, null, 2));
      if (result.errorInstance) console.log(String(result.errorInstance));
    } else {
      console.log(`ok   ${name} (${result.numRuns} runs, ${ms} ms)`);
    }
  }
  return !failed;
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  if (process.argv.includes("--worker")) {
    runWorker();
    return;
  }
  const runs = Number(option("runs") ?? 2000);
  const inputs = Number(option("inputs") ?? 2000);
  const from = Number(option("from") ?? 0);
  const workers = Math.max(1, Number(option("workers") ?? 1));
  const silentEvery = Math.max(1, Number(option("silent-every") ?? 1));
  const hangSeconds = Number(option("hang-seconds") ?? 60);
  let ok = true;
  if (!process.argv.includes("--hostile-only")) {
    console.log(`fuzzing the DSL front end with --runs ${runs} --seed ${seed}`);
    ok = runProperties(runs);
  }
  console.log(`fuzzing the pipeline with --inputs ${inputs} --from ${from} --seed ${seed} --workers ${workers} --silent-every ${silentEvery}`);
  const report = await runHostileInputs(from, inputs, workers, silentEvery, hangSeconds);
  console.log(JSON.stringify(report, null, 2));
  const file = option("report");
  if (file !== undefined) writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  if (report.failures > 0) ok = false;
  process.exitCode = ok ? 0 : 1;
}

await main();

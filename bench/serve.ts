/**
 * `npm run bench:serve`: the service under load, on loopback, measured side
 * by side in one run (results and method in BENCHMARKS.md).
 *
 * 1. `POST /v1/evaluate` of `heed serve` (the built `bin/heed.js`, memory
 *    store, decision log to a file) against a minimal `node:http` server
 *    that reads the same request and answers a fixed JSON body of the same
 *    size: the ceiling of one Node process on this machine. Each is its own
 *    process; autocannon drives both from this one, alternately, in rounds.
 * 2. Gate attempts per second on PostgreSQL (a throwaway cluster, as the
 *    tests start one) with 8 workers, against contacts with 10, 1,000 and
 *    10,000 events of history: each worker attempts on its own contact, so
 *    the figure is the cost of an attempt, not of waiting for a lock.
 * 3. The resident memory of `heed serve` after a warm-up, and after a
 *    60-second load run.
 *
 * `--quick` (or HEED_BENCH_QUICK=1) runs everything briefly, to check the
 * script itself.
 *
 * @module
 */

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, copyFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { createDatabase, startPostgres } from "../test/support/postgres.js";

const root = join(import.meta.dirname, "..");
const quick = process.argv.includes("--quick") || process.env.HEED_BENCH_QUICK === "1";
const HTTP_ROUNDS = quick ? 1 : 3;
const HTTP_WARMUP_S = quick ? 1 : 3;
const HTTP_MEASURE_S = quick ? 2 : 10;
const CONNECTIONS = 10;
const GATE_WORKERS = 8;
const GATE_SIZES = [10, 1_000, 10_000];
const GATE_WARMUP_S = quick ? 1 : 3;
const GATE_MEASURE_S = quick ? 2 : 10;
const RSS_WARMUP_S = quick ? 2 : 10;
const RSS_LOAD_S = quick ? 5 : 60;

// Heed is what users run: the build in dist/.
const { parsePolicy, compile } = (await import(join(root, "dist/index.js"))) as typeof import("../src/index.js");
const { createGate, openPostgresStore } = (await import(join(root, "dist/adapters/index.js"))) as typeof import("../src/adapters/index.js");

const POLICY_FILE = join(root, "bench/inbound.heed");

/** A realistic `/v1/evaluate` request: a contact, 20 events of history, a proposed email. */
function evaluateBody(): string {
  const history: Record<string, unknown>[] = [];
  const start = Date.parse("2026-01-05T14:00:00Z");
  for (let i = 0; i < 20; i++) {
    const at = new Date(start + i * 2 * 86_400_000).toISOString();
    history.push(i % 4 === 3 ? { type: "open", at, id: `o${i}` } : { type: "touch", channel: i % 2 === 0 ? "email" : "linkedin", at, id: `t${i}`, campaign: "q1" });
  }
  return JSON.stringify({
    contact: { id: "c-1", timezone: "America/New_York", attributes: { role: "marketer", customer: false, products: [] } },
    history,
    touch: { channel: "email", campaign: "q1" },
    at: "2026-03-02T15:00:00Z",
  });
}

/** Starts a child process and resolves with the URL it prints (`listening on URL` or a bare URL). */
function startChild(command: string, args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let seen = "";
    const look = (chunk: Buffer): void => {
      seen += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (match) resolve({ child, url: match[1]! });
    };
    child.stdout!.on("data", look);
    child.stderr!.on("data", look);
    child.once("exit", (code) => reject(new Error(`${command} ${args.join(" ")} exited ${code}: ${seen}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  await gone;
}

/** The ceiling: reads the request, answers a fixed JSON body of `size` bytes. */
const MINIMAL_SERVER = `
const http = require("node:http");
const size = Number(process.env.BODY_SIZE);
const head = '{"decisionId":"00000000-0000-0000-0000-000000000000","pad":"';
const body = head + "x".repeat(size - head.length - 3) + '"}\\n';
http.createServer((req, res) => {
  req.on("data", () => {});
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
}).listen(0, "127.0.0.1", function () { console.log("http://127.0.0.1:" + this.address().port); });
`;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** CPU time of the server process per request answered, in µs: its work, whatever else the machine does. */
  cpuPerRequest: number;
  /** The server's CPU time over the run's wall time: 1 is a whole core, all the run long. */
  serverShare: number;
  /** The same of this process, the load client's (autocannon's): a server that answers faster than it asks shows here. */
  clientShare: number;
}

/** CPU time (user + system) of a process so far, in ms (Linux, 10 ms ticks). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function load(url: string, body: string, seconds: number, pid: number): Promise<Load> {
  const cpuBefore = cpuMs(pid);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const result = await autocannon({
    url: `${url}/v1/evaluate`,
    method: "POST",
    body,
    headers: { "content-type": "application/json" },
    connections: CONNECTIONS,
    duration: seconds,
  });
  const cpu = cpuMs(pid) - cpuBefore;
  const wall = performance.now() - started;
  const client = process.cpuUsage(clientBefore);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    cpuPerRequest: (cpu * 1000) / Math.max(1, result.requests.total),
    serverShare: cpu / wall,
    clientShare: (client.user + client.system) / 1000 / wall,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Resident memory of a process, in bytes (Linux). */
function rss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

function startHeed(dir: string): Promise<{ child: ChildProcess; url: string }> {
  return startChild(process.execPath, [join(root, "bin/heed.js"), "serve", dir, "--port", "0", "--store", "memory", "--decision-log", join(dir, "decisions.jsonl")]);
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function benchHttp(dir: string): Promise<{ heed: Load; minimal: Load; bodyBytes: number }> {
  const body = evaluateBody();
  const heed = await startHeed(dir);
  const probe = await fetch(`${heed.url}/v1/evaluate`, { method: "POST", body, headers: { "content-type": "application/json" } });
  const answer = await probe.text();
  if (probe.status !== 200) throw new Error(`heed answered ${probe.status}: ${answer}`);
  const bodyBytes = Buffer.byteLength(answer);
  const minimal = await startChild(process.execPath, ["-e", MINIMAL_SERVER], { BODY_SIZE: String(bodyBytes) });
  const check = await (await fetch(`${minimal.url}/v1/evaluate`, { method: "POST", body })).text();
  if (Buffer.byteLength(check) !== bodyBytes) throw new Error(`the minimal server answers ${Buffer.byteLength(check)} bytes, not ${bodyBytes}`);
  const runs: { heed: Load[]; minimal: Load[] } = { heed: [], minimal: [] };
  try {
    await load(heed.url, body, HTTP_WARMUP_S, heed.child.pid!);
    await load(minimal.url, body, HTTP_WARMUP_S, minimal.child.pid!);
    for (let round = 0; round < HTTP_ROUNDS; round++) {
      runs.minimal.push(await load(minimal.url, body, HTTP_MEASURE_S, minimal.child.pid!));
      runs.heed.push(await load(heed.url, body, HTTP_MEASURE_S, heed.child.pid!));
    }
  } finally {
    await stop(heed.child);
    await stop(minimal.child);
  }
  const summary = (list: Load[]): Load => ({
    rps: median(list.map((l) => l.rps)),
    p50: median(list.map((l) => l.p50)),
    p99: median(list.map((l) => l.p99)),
    non2xx: list.reduce((n, l) => n + l.non2xx, 0),
    errors: list.reduce((n, l) => n + l.errors, 0),
    cpuPerRequest: median(list.map((l) => l.cpuPerRequest)),
    serverShare: median(list.map((l) => l.serverShare)),
    clientShare: median(list.map((l) => l.clientShare)),
  });
  return { heed: summary(runs.heed), minimal: summary(runs.minimal), bodyBytes };
}

async function benchRss(dir: string): Promise<{ warm: number; loaded: number }> {
  const body = evaluateBody();
  const heed = await startHeed(dir);
  try {
    await load(heed.url, body, RSS_WARMUP_S, heed.child.pid!);
    const warm = rss(heed.child.pid!);
    await load(heed.url, body, RSS_LOAD_S, heed.child.pid!);
    const loaded = rss(heed.child.pid!);
    return { warm, loaded };
  } finally {
    await stop(heed.child);
  }
}

/** Seeds `contacts` contacts with `events` events each over the past year: a touch, a reply, an open, and again. */
async function seed(url: string, prefix: string, contacts: number, events: number, now: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let c = 0; c < contacts; c++) {
      await client.query(
        `INSERT INTO heed_events (contact_id, event_id, type, at, body)
         SELECT $1, 'e' || g, t.type, t.at, jsonb_strip_nulls(jsonb_build_object(
                  'type', t.type, 'id', 'e' || g,
                  'at', to_char(t.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                  'channel', CASE WHEN t.type = 'touch' THEN (ARRAY['email', 'linkedin'])[1 + g % 2] END))
           FROM generate_series(1, $2::int) AS g,
                LATERAL (SELECT (ARRAY['touch', 'reply', 'open'])[1 + g % 3] AS type,
                                to_timestamp(($3::bigint - ($2::int - g + 1)::bigint * $4::bigint) / 1000.0) AS at) AS t`,
        [`${prefix}-${c}`, events, now - 86_400_000, Math.floor((365 * 86_400_000) / events)],
      );
      await client.query("INSERT INTO heed_contacts (contact_id, contact) VALUES ($1, $2::jsonb)", [
        `${prefix}-${c}`,
        JSON.stringify({ id: `${prefix}-${c}`, timezone: "America/New_York", attributes: { role: "marketer" } }),
      ]);
    }
  } finally {
    await client.end();
  }
}

async function benchGate(): Promise<{ size: number; attemptsPerSecond: number; verdicts: Record<string, number> }[]> {
  const cluster = await startPostgres();
  try {
    const url = await createDatabase(cluster);
    const store = await openPostgresStore({ connectionString: url, max: GATE_WORKERS });
    const { policy } = parsePolicy(readFileSync(POLICY_FILE, "utf8"), { file: "inbound.heed" });
    const engine = compile(policy!);
    const gate = createGate({ engine, store });
    const results: { size: number; attemptsPerSecond: number; verdicts: Record<string, number> }[] = [];
    try {
      for (const size of GATE_SIZES) {
        await seed(url, `h${size}`, GATE_WORKERS, size, Date.now());
        const run = async (seconds: number): Promise<{ attempts: number; verdicts: Record<string, number> }> => {
          const end = Date.now() + seconds * 1000;
          const verdicts: Record<string, number> = {};
          let attempts = 0;
          await Promise.all(
            Array.from({ length: GATE_WORKERS }, async (_, w) => {
              const channels = ["email", "linkedin", "call"];
              for (let i = 0; Date.now() < end; i++) {
                const { decision } = await gate.attempt(`h${size}-${w}`, { channel: channels[i % channels.length]! }, new Date().toISOString());
                verdicts[decision.verdict] = (verdicts[decision.verdict] ?? 0) + 1;
                attempts++;
              }
            }),
          );
          return { attempts, verdicts };
        };
        await run(GATE_WARMUP_S);
        const started = Date.now();
        const { attempts, verdicts } = await run(GATE_MEASURE_S);
        results.push({ size, attemptsPerSecond: attempts / ((Date.now() - started) / 1000), verdicts });
      }
    } finally {
      await store.close();
    }
    return results;
  } finally {
    cluster.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), "heed-bench-serve-"));
copyFileSync(POLICY_FILE, join(dir, "inbound.heed"));
try {
  console.log(`heed bench:serve${quick ? " (quick)" : ""}: node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const http = await benchHttp(dir);
  const ratio = http.heed.rps / http.minimal.rps;
  console.log(`\n/v1/evaluate, ${CONNECTIONS} connections, ${HTTP_ROUNDS} rounds of ${HTTP_MEASURE_S} s (medians), answers of ${http.bodyBytes} bytes`);
  console.log("| server | requests/s | p50 ms | p99 ms | server CPU µs per request | server CPU share | client CPU share | non-2xx | errors |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  const percent = (share: number): string => `${Math.round(share * 100)} %`;
  for (const [name, l] of [["minimal node:http", http.minimal], ["heed serve", http.heed]] as const) {
    console.log(
      `| ${name} | ${Math.round(l.rps)} | ${l.p50} | ${l.p99} | ${Math.round(l.cpuPerRequest)} | ${percent(l.serverShare)} | ${percent(l.clientShare)} | ${l.non2xx} | ${l.errors} |`,
    );
  }
  console.log(`(CPU share: CPU time over wall time, 100 % a whole core; the client is autocannon, in this process; load average now ${loadavg()[0]!.toFixed(1)})`);

  const gate = await benchGate();
  console.log(`\ngate attempts on PostgreSQL, ${GATE_WORKERS} workers (one contact each), ${GATE_MEASURE_S} s per size`);
  console.log("| events of history | attempts/s | verdicts |");
  console.log("|---:|---:|---|");
  for (const g of gate) console.log(`| ${g.size.toLocaleString("en")} | ${Math.round(g.attemptsPerSecond)} | ${Object.entries(g.verdicts).map(([v, n]) => `${v} ${n}`).join(", ")} |`);
  const first = gate[0]!.attemptsPerSecond;
  const last = gate[gate.length - 1]!.attemptsPerSecond;

  const memory = await benchRss(dir);
  const growth = memory.loaded / memory.warm - 1;
  console.log(`\nresident memory of heed serve: ${mb(memory.warm)} after a ${RSS_WARMUP_S} s warm-up, ${mb(memory.loaded)} after ${RSS_LOAD_S} s more of load (${(growth * 100).toFixed(1)} %)`);

  const verdict = (ok: boolean): string => (ok ? "met" : "NOT met");
  console.log("\n| target | measured | |");
  console.log("|---|---|---|");
  console.log(`| /v1/evaluate at least 0.5x the minimal server | ${ratio.toFixed(2)}x (CPU per request: ${(http.minimal.cpuPerRequest / http.heed.cpuPerRequest).toFixed(2)}x) | ${verdict(ratio >= 0.5)} |`);
  console.log(`| gate flat in history: 10,000 events within 1.5x of 10 | ${(first / last).toFixed(2)}x slower | ${verdict(first / last <= 1.5)} |`);
  console.log(`| RSS after ${RSS_LOAD_S} s of load within 10 % of after warm-up | ${(growth * 100).toFixed(1)} % | ${verdict(Math.abs(growth) <= 0.1)} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * `heed serve` against hostile requests, over the PostgreSQL store (the one
 * that answered 500 to input it cannot keep): every request gets a 4xx or a
 * correct decision, never a 500 or a hang, and `/healthz` keeps answering
 * within 100 ms while they are handled and after.
 */

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../src/adapters/http/server.js";
import { MemoryStore } from "../../src/adapters/store/memory.js";
import { openPostgresStore } from "../../src/adapters/store/postgres.js";
import type { Store } from "../../src/adapters/store/types.js";
import { createDatabase, lazyPostgres } from "../support/postgres.js";
import { parsePrometheusText } from "../support/prometheus.js";

const POLICY = `cadence "gate" {
  timezone from contact.timezone else "UTC"
  channels email, call
  at most 1 call per day
  at least 2 hours between touches
  never email after unsubscribe
}
`;
const TOKEN = "hostile-suite-token-8d2f6b1c4a9e7d3f";
const HEADERS = { "content-type": "application/json", authorization: `Bearer ${TOKEN}` };

interface Answer {
  status: number;
  // Every answer is JSON; `any` keeps the assertions short.
  json: any;
  text: string;
}

/** One request with exactly these headers and body (a string, a Buffer, or chunks sent `gap` ms apart). */
function send(url: string, method: string, path: string, headers: Record<string, string>, body?: string | Buffer | { chunks: string[]; gap: number }): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((done, fail) => {
    const req = request({ host: hostname, port, method, path, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        done({ status: res.statusCode ?? 0, json, text });
      });
    });
    req.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNRESET" || error.code === "EPIPE" ? done({ status: 0, json: undefined, text: error.code }) : fail(error)));
    if (body === undefined || typeof body === "string" || Buffer.isBuffer(body)) {
      req.end(body);
      return;
    }
    let i = 0;
    const next = (): void => {
      if (req.destroyed) return;
      if (i >= body.chunks.length) {
        req.end();
        return;
      }
      req.write(body.chunks[i++]!);
      setTimeout(next, body.gap);
    };
    next();
  });
}

const post = (url: string, path: string, body: unknown, headers: Record<string, string> = HEADERS): Promise<Answer> =>
  send(url, "POST", path, headers, typeof body === "string" ? body : JSON.stringify(body));

/**
 * The longest the server's event loop was held up since the metrics were last read, in
 * milliseconds (`nodejs_eventloop_lag_max_seconds`, from `perf_hooks.monitorEventLoopDelay`,
 * which prom-client resets at every read).
 */
async function eventLoopMaxMs(url: string): Promise<number> {
  const answer = await send(url, "GET", "/metrics", { authorization: `Bearer ${TOKEN}` });
  const family = parsePrometheusText(answer.text).find((f) => f.name === "nodejs_eventloop_lag_max_seconds");
  if (family?.series[0]?.value === undefined) throw new Error(`no event-loop delay in /metrics: ${answer.status} ${answer.text.slice(0, 200)}`);
  return family.series[0].value * 1000;
}

/** Watches `/healthz` from a process of its own (`test/support/health-watch.mjs`). */
function watchHealth(url: string): { stop(): Promise<{ latencies: number[]; failures: string[] }> } {
  const child = spawn(process.execPath, [resolve("test/support/health-watch.mjs"), url], { stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((done) => child.on("exit", () => done()));
  return {
    stop: async () => {
      child.stdin.end();
      await exited;
      return JSON.parse(out) as { latencies: number[]; failures: string[] };
    },
  };
}

/** Starts a server in a process of its own; resolves to its URL and a way to stop it. */
async function serveInProcess(options: Record<string, unknown>): Promise<{ url: string; stop(): Promise<number | null>; stderr(): string }> {
  const server = resolve("src/adapters/http/server.ts");
  const script = `const { startServer } = await import(${JSON.stringify(server)});
const running = await startServer({ ...${JSON.stringify(options)}, log: process.stderr });
process.stderr.write("listening on " + running.url + "\\n");
process.on("SIGTERM", () => running.close().then(() => process.exit(0)));`;
  const tsx = pathToFileURL(resolve("node_modules/tsx/dist/loader.mjs")).href;
  const child = spawn(process.execPath, ["--import", tsx, "--input-type=module", "-e", script], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  for (let i = 0; i < 1200 && !/listening on http/.test(stderr); i++) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
  if (url === undefined) throw new Error(`the server did not start: ${stderr}`);
  return {
    url,
    stderr: () => stderr,
    stop: async () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

/** A 4xx with a code and a message, or a decision: what every hostile request must get. */
function expectHandled(answer: Answer, what: string): void {
  const handled =
    (answer.status >= 400 && answer.status < 500 && typeof answer.json?.error?.code === "string" && typeof answer.json?.error?.message === "string") ||
    (answer.status === 200 && ["allow", "deny", "defer"].includes(answer.json?.decision?.verdict));
  expect(handled, `${what}: ${answer.status} ${answer.text.slice(0, 300)}`).toBe(true);
}

const postgres = lazyPostgres();

describe("heed serve under hostile requests, over PostgreSQL", () => {
  let dir: string;
  let outside: string;
  let server: { url: string; stop(): Promise<number | null>; stderr(): string };
  let memory: RunningServer;
  let store: Store;
  let health: ReturnType<typeof watchHealth>;
  const base = { contact: { id: "c1" }, history: [], touch: { channel: "email" }, at: "2026-03-02T10:00:00Z" };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "heed-hostile-"));
    outside = mkdtempSync(join(tmpdir(), "heed-hostile-outside-"));
    writeFileSync(join(dir, "gate.heed"), POLICY);
    writeFileSync(join(outside, "shadow.heed"), "root:$6$secret-hash:19000:0:99999:7:::\n");
    symlinkSync(join(outside, "shadow.heed"), join(dir, "shadow.heed"));
    const url = await createDatabase(await postgres.cluster());
    const common = { policies: dir, pollInterval: 100, token: TOKEN, requestTimeoutMs: 3000 };
    server = await serveInProcess({ ...common, store: url });
    memory = await startServer({ ...common, store: new MemoryStore() });
    store = await openPostgresStore({ connectionString: url });
    // Reading the metrics resets the server's event-loop delay histogram: what the last test
    // reads is the longest stall from here on, start-up (migrations, first compile) aside.
    await eventLoopMaxMs(server.url);
    health = watchHealth(server.url);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await memory?.close();
    await store?.close();
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it("refuses inline policies with prototype-named units, huge numbers or endless work, and keeps answering", async () => {
    const hostile: [string, string, unknown[]][] = [
      ["per 7 constructor", `cadence "p1" {\n  channels email\n  at most 1 email per 7 constructor\n}\n`, []],
      ["per 24 __proto__", `cadence "p2" {\n  channels email\n  at most 1 email per 24 __proto__\n}\n`, []],
      ["ignoreWindow: 3 toString", `cadence: p3\nchannels: [email]\nignoreWindow: 3 toString\n`, [{ type: "touch", channel: "email", at: "2026-03-01T10:00:00Z" }]],
      ["at least 99999999 days", `cadence "p4" {\n  channels email\n  at least 99999999 days between touches\n}\n`, [{ type: "touch", channel: "email", at: "2026-03-01T10:00:00Z" }]],
      ["99,999 business days", `cadence "p5" {\n  timezone from contact.timezone else "UTC"\n  channels email\n  at least 99999 business days between touches\n}\n`, [{ type: "touch", channel: "email", at: "2026-03-01T10:00:00Z" }]],
      ["a count past 2^53", `cadence "p6" {\n  channels email\n  at most 99999999999999999999999 emails per day\n}\n`, []],
      ["a window of 1e300 hours", `cadence "p7" {\n  channels email\n  at most 1 email per ${"9".repeat(300)} hours\n}\n`, [{ type: "touch", channel: "email", at: "2026-03-01T10:00:00Z" }]],
    ];
    const answers = await Promise.all(hostile.map(([, text, history]) => post(server.url, "/v1/evaluate", { ...base, history, policy: { text } })));
    answers.forEach((answer, i) => {
      expectHandled(answer, hostile[i]![0]);
      expect(answer.status, hostile[i]![0]).not.toBe(500);
    });
    // The looping one is refused past the budget (or, with names checked, at once): never a decision.
    expect(answers[2]!.status).toBeGreaterThanOrEqual(400);
    // Afterwards, an honest inline policy is answered as before.
    const honest = await post(server.url, "/v1/evaluate", { ...base, policy: { text: `cadence "fine" {\n  channels email\n}\n` } });
    expect(honest.status).toBe(200);
    expect(honest.json.decision.verdict).toBe("allow");
  });

  it("refuses deep JSON, oversize and slow bodies, wrong content types, foreign origins and bad tokens", async () => {
    const deep = `{"contact":{"id":"c1","attributes":{"a":${"[".repeat(200_000)}${"]".repeat(200_000)}}},"touch":{"channel":"email"},"at":"2026-03-02T10:00:00Z"}`;
    const tooDeep = await post(server.url, "/v1/evaluate", deep);
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.json.error.code).toBe("too-deep");
    expect((await post(server.url, "/v1/contacts/d1/attempts", deep)).json.error.code).toBe("too-deep");

    const huge = Buffer.alloc(10 * 1024 * 1024, "x");
    const declared = await send(server.url, "POST", "/v1/evaluate", { ...HEADERS, "content-length": String(huge.length) }, huge);
    expect([413, 0]).toContain(declared.status); // 0: the connection closed while the rest was still being sent
    const chunked = await send(server.url, "POST", "/v1/evaluate", HEADERS, { chunks: Array.from({ length: 12 }, () => "x".repeat(1024 * 1024)), gap: 1 });
    expect([413, 0]).toContain(chunked.status);

    // Trickled over 9 s against a limit of 3 s.
    const slow = await send(server.url, "POST", "/v1/evaluate", HEADERS, { chunks: ['{"contact":', ' {"id":', ' "c1"}', ", ", '"at":', ' "2026"', "}"], gap: 1500 });
    expect([408, 0]).toContain(slow.status);

    for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/xml"]) {
      expect((await post(server.url, "/v1/evaluate", base, { ...HEADERS, "content-type": type })).status).toBe(415);
    }
    expect((await post(server.url, "/v1/contacts/o1/events", { type: "reply", at: "2026-03-02T10:00:00Z" }, { ...HEADERS, origin: "https://evil.example" })).status).toBe(403);
    expect((await post(server.url, "/v1/contacts/o1/events", { type: "reply", at: "2026-03-02T10:00:00Z" }, { ...HEADERS, host: "attacker.example" })).status).toBe(421);
    for (const authorization of ["", "Bearer", `Bearer ${TOKEN}x`, `bearer ${TOKEN.toUpperCase()}`, `Basic ${Buffer.from(`heed:${TOKEN}`).toString("base64")}`]) {
      expect((await post(server.url, "/v1/contacts/o1/events", { type: "reply", at: "2026-03-02T10:00:00Z" }, { ...HEADERS, authorization })).status).toBe(401);
    }
    expect(await store.history("o1")).toEqual([]);
  });

  it("answers text and instants PostgreSQL cannot keep with 400 naming the field, as the memory store does", async () => {
    const cases: [string, string, unknown, number, string | undefined][] = [
      ["NUL in an event id", "/v1/contacts/n1/events", { type: "reply", at: "2026-03-02T10:00:00Z", id: "a\u0000b" }, 400, "event.id"],
      ["NUL in the contact id", "/v1/contacts/n%00x/events", { type: "reply", at: "2026-03-02T10:00:00Z" }, 400, "contactId"],
      ["NUL in a touch prop", "/v1/contacts/n2/attempts", { touch: { channel: "email", campaign: "x\u0000" }, at: "2026-03-02T10:00:00Z" }, 400, "touch.campaign"],
      ["a lone surrogate in a prop", "/v1/contacts/n3/events", { events: [{ type: "reply", at: "2026-03-02T10:00:00Z", note: "\ud83d" }] }, 400, "events[0].note"],
      ["a lone surrogate in an attribute", "/v1/contacts/n4/attempts", { touch: { channel: "email" }, at: "2026-03-02T10:00:00Z", contact: { id: "n4", attributes: { role: "\udc00" } } }, 400, "contact.attributes.role"],
      ["year 0000", "/v1/contacts/n5/events", { type: "reply", at: "0000-01-01T00:00:00Z" }, 400, "event.at"],
      ["year 0000 in an attempt", "/v1/contacts/n6/attempts", { touch: { channel: "email" }, at: "0000-06-01T00:00:00Z" }, 400, "at"],
      ["a key over 512 bytes", "/v1/contacts/n7/events", { type: "reply", at: "2026-03-02T10:00:00Z", id: "k".repeat(600) }, 400, "event.id"],
    ];
    for (const [what, path, body, status, field] of cases) {
      const onPostgres = await post(server.url, path, body);
      const onMemory = await post(memory.url, path, body);
      expectHandled(onPostgres, what);
      expect(onPostgres.status, `${what}: ${onPostgres.text}`).toBe(status);
      expect(onPostgres.json.error.field, what).toBe(field);
      expect({ status: onMemory.status, error: onMemory.json.error }, what).toEqual({ status: onPostgres.status, error: onPostgres.json.error });
    }
    // An offset beyond what PostgreSQL reads: every store answers alike (kept, or refused by the engine's range checks).
    const farEast = { type: "reply", at: "2026-03-02T20:00:00+20:00", id: "far" };
    const onPostgres = await post(server.url, "/v1/contacts/n8/events", farEast);
    const onMemory = await post(memory.url, "/v1/contacts/n8/events", farEast);
    expect(onPostgres.status).not.toBe(500);
    expect(onPostgres.status).toBe(onMemory.status);
  });

  it("refuses future-dated events and attempts, and keeps an opt-out whose id another event already has", async () => {
    const future = await post(server.url, "/v1/contacts/f1/events", { type: "touch", channel: "email", at: "2099-01-01T00:00:00Z", id: "t-2099" });
    expect(future.status).toBe(400);
    expect(future.json.error).toMatchObject({ code: "future-event", field: "event.at" });
    const futureAttempt = await post(server.url, "/v1/contacts/f1/attempts", { touch: { channel: "email" }, at: "2099-01-01T00:00:00Z" });
    expect(futureAttempt.json.error).toMatchObject({ code: "future-event", field: "at" });
    const now = await post(server.url, "/v1/contacts/f1/attempts", { touch: { channel: "email" }, at: new Date().toISOString() });
    expect(now.status).toBe(200);

    const touch = await post(server.url, "/v1/contacts/r1/events", { type: "touch", channel: "email", at: "2026-03-02T09:00:00Z", id: "outreach:101" });
    const optOut = await post(server.url, "/v1/contacts/r1/events", { type: "unsubscribe", at: "2026-03-02T10:00:00Z", id: "outreach:101" });
    expect([touch.status, optOut.status]).toEqual([201, 201]);
    expect(optOut.json).toEqual({ added: ["outreach:101"], duplicates: [] });
    expect((await store.history("r1")).map((e) => e.type)).toEqual(["touch", "unsubscribe"]);
  });

  it("never reads a policy file linked from outside its folder, nor echoes it", async () => {
    const listed = await send(server.url, "GET", "/v1/policies", HEADERS);
    expect(listed.status).toBe(200);
    expect(listed.text).not.toMatch(/root|secret-hash/);
    expect(listed.json.errors).toContainEqual(expect.objectContaining({ file: "shadow.heed", diagnostics: [expect.objectContaining({ code: "symlink-outside" })] }));
  });

  it("answered /healthz within 100 ms all along (one in a hundred may be late to the scheduler), and still does", async () => {
    const { latencies, failures } = await health.stop();
    // The server's own measure of its longest event-loop stall. A request handled on the thread
    // (the fault this guards against) holds it for seconds. On this shared two-core machine the
    // scheduler alone holds a runnable process off the CPU for a while: in a CPU profile of the
    // inline-policy test no task of the server's after start-up took over 19 ms, yet the stall
    // read 10-106 ms per test at load 3-6 and up to 222 ms at load 6-7. So the bound is 250 ms.
    const stall = await eventLoopMaxMs(server.url);
    expect(stall, "the longest event-loop stall of the server (ms)").toBeLessThan(250);
    expect(failures).toEqual([]);
    expect(latencies.length).toBeGreaterThan(20);
    // Seen from another process, an answer also waits for the scheduler (116 ms seen once in
    // some 400, with other suites running): at most 1 in 100 may be late, and none by much.
    const shown = `latencies (ms): ${latencies.map((l) => l.toFixed(0)).join(" ")}`;
    const late = latencies.filter((l) => l >= 100);
    expect(late.length, shown).toBeLessThanOrEqual(Math.floor(latencies.length / 100));
    expect(Math.max(...latencies), shown).toBeLessThan(500);
    const after = performance.now();
    expect((await send(server.url, "GET", "/healthz", {})).status).toBe(200);
    expect(performance.now() - after).toBeLessThan(100);
    expect(server.stderr().split("\n").filter((l) => /internal error/.test(l))).toEqual([]);
  });
});

describe("heed serve as a process, handling a policy that never ends", () => {
  it("stops on SIGTERM while the policy is being evaluated", async () => {
    const dir = mkdtempSync(join(tmpdir(), "heed-sigterm-"));
    writeFileSync(join(dir, "gate.heed"), POLICY);
    const command = resolve("src/adapters/http/command.ts");
    const script = `const { runServe } = await import(${JSON.stringify(command)});
process.exitCode = await runServe([".", "--port", "0", "--store", "memory", "--inline-budget", "120000"], { stdout: process.stdout, stderr: process.stderr });`;
    const tsx = pathToFileURL(resolve("node_modules/tsx/dist/loader.mjs")).href;
    const child = spawn(process.execPath, ["--import", tsx, "--input-type=module", "-e", script], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    try {
      for (let i = 0; i < 600 && !/listening on http/.test(stderr); i++) await new Promise((r) => setTimeout(r, 50));
      const url = /listening on (http:\/\/[^ ]+)/.exec(stderr)![1]!;
      // A policy that loops for good in this version, and is refused at once with names checked: either way the server must stop.
      const looping = post(url, "/v1/evaluate", {
        contact: { id: "c1" },
        history: [{ type: "touch", channel: "email", at: "2026-03-01T10:00:00Z" }],
        touch: { channel: "email" },
        at: "2026-03-02T10:00:00Z",
        policy: { text: "cadence: loop\nchannels: [email]\nignoreWindow: 3 toString\n" },
      }, { "content-type": "application/json" });
      await new Promise((r) => setTimeout(r, 6000)); // the worker starts and takes the job
      const started = performance.now();
      expect((await send(url, "GET", "/healthz", {})).status).toBe(200);
      expect(performance.now() - started).toBeLessThan(100);
      child.kill("SIGTERM");
      const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r("still running 15 s after SIGTERM"), 15_000))]);
      expect(code).toBe(0);
      expect(stderr).toContain("heed serve: SIGTERM: shutting down");
      const answer = await looping;
      expect(answer.status === 0 || (answer.status >= 400 && answer.status < 600 && answer.status !== 500)).toBe(true);
    } finally {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

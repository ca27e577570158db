import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runServe } from "../../src/adapters/http/command.js";
import { PolicyRegistry } from "../../src/adapters/http/policies.js";
import { canonicalJson, startServer, type RunningServer } from "../../src/adapters/http/server.js";
import { MemoryStore } from "../../src/adapters/store/memory.js";
import { createDatabase, lazyPostgres } from "../support/postgres.js";

const GOOD = `cadence "gate" {
  timezone from contact.timezone else "UTC"
  channels email, call
  at most 1 call per day
  at least 2 hours between touches
}
`;

const COMPLIANCE = `cadence: compliance
channels: [email, call, sms]
rules:
  - { id: no-sms, never: sms, when: 'contact.region == "eu"' }
`;

/** Collects written lines. */
function sink(): { write(chunk: string): boolean; lines(): string[] } {
  let text = "";
  return {
    write: (chunk: string) => {
      text += chunk;
      return true;
    },
    lines: () => text.split("\n").filter((l) => l !== ""),
  };
}

async function until(what: string, check: () => Promise<boolean>, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const JSON_TYPE = { "content-type": "application/json" };

const sha = (text: string): string => `sha256:${createHash("sha256").update(text).digest("hex")}`;

describe("heed serve over HTTP", () => {
  let dir: string;
  let server: RunningServer;
  const decisions = sink();
  const log = sink();

  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: any; headers: Headers }> => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": "application/json" } }),
    });
    const text = await res.text();
    // The response is JSON on every path; `any` keeps assertions short.
    return { status: res.status, json: JSON.parse(text) as any, headers: res.headers };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "heed-serve-"));
    writeFileSync(join(dir, "gate.heed"), GOOD);
    writeFileSync(join(dir, "README.md"), "not a policy");
    server = await startServer({ policies: dir, store: new MemoryStore(), decisionLog: decisions, log, pollInterval: 100 });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("listens on loopback and reports health", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { status, json } = await call("GET", "/healthz");
    expect(status).toBe(200);
    expect(json).toEqual({ status: "ok", policies: 1, store: "memory" });
  });

  it("lists the loaded policies with their file and content hash", async () => {
    const { status, json } = await call("GET", "/v1/policies");
    expect(status).toBe(200);
    expect(json.policies).toEqual([{ name: "gate", file: "gate.heed", hash: sha(GOOD), loadedAt: expect.any(String) }]);
    expect(json.errors).toEqual([]);
  });

  it("evaluates statelessly and logs the decision with the policy hash and the inputs' hash", async () => {
    const input = {
      contact: { id: "c1" },
      history: [{ type: "touch", channel: "call", at: "2026-03-02T10:00:00Z" }],
      touch: { channel: "call" },
      at: "2026-03-02T11:00:00Z",
    };
    const { status, json } = await call("POST", "/v1/evaluate", input);
    expect(status).toBe(200);
    expect(json.decision.verdict).toBe("defer");
    expect(json.decision.notBefore).toBe("2026-03-03T00:00:00Z");
    expect(json.decision.reasons.map((r: { code: string }) => r.code).sort()).toEqual(["at-least", "at-most"]);
    const line = JSON.parse(decisions.lines().at(-1)!);
    expect(line).toMatchObject({
      decisionId: json.decisionId,
      kind: "evaluate",
      policies: [{ name: "gate", hash: sha(GOOD) }],
      inputsHash: sha(canonicalJson(input)),
      verdict: "defer",
      notBefore: "2026-03-03T00:00:00Z",
    });
    expect(line.reasons).toHaveLength(2);
    expect(Number.isNaN(Date.parse(line.time))).toBe(false);
  });

  it("evaluates with a policy sent inline, and names the line of its first error", async () => {
    const base = { contact: { id: "c1" }, touch: { channel: "sms" }, at: "2026-03-02T11:00:00Z" };
    const ok = await call("POST", "/v1/evaluate", { ...base, policy: { text: `cadence "inline" {\n  channels sms\n}\n` } });
    expect(ok.status).toBe(200);
    expect(ok.json.decision.verdict).toBe("allow");
    expect(JSON.parse(decisions.lines().at(-1)!).policies).toEqual([{ name: "inline", hash: sha(`cadence "inline" {\n  channels sms\n}\n`) }]);
    const yaml = await call("POST", "/v1/evaluate", { ...base, policy: { text: COMPLIANCE, format: "yaml" }, contact: { id: "c1", attributes: { region: "eu" } } });
    expect(yaml.json.decision.verdict).toBe("deny");
    const broken = await call("POST", "/v1/evaluate", { ...base, policy: { text: `cadence "x" {\n  channels sms\n  at most 2 sms per fortnight\n}\n` } });
    expect(broken.status).toBe(400);
    expect(broken.json.error.code).toBe("invalid-policy");
    expect(broken.json.error.message).toMatch(/^the inline policy has errors; first at line 3, column \d+: /);
    expect(broken.json.error.diagnostics[0].span.line).toBe(3);
    const noText = await call("POST", "/v1/evaluate", { ...base, policy: { dsl: "cadence" } });
    expect(noText.json.error.message).toBe("an inline `policy` needs `text`: the policy in the DSL or YAML form");
  });

  it("hashes inputs canonically, whatever the key order", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
  });

  it("records allowed attempts through the gate, replays idempotent retries and refuses out-of-order ones", async () => {
    const first = await call("POST", "/v1/contacts/ada%40example.org/attempts", { touch: { channel: "email" }, at: "2026-03-02T10:00:00Z", idempotencyKey: "m-1" });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ decision: { verdict: "allow" }, replayed: false, eventId: expect.any(String) });
    const retry = await call("POST", "/v1/contacts/ada%40example.org/attempts", { touch: { channel: "email" }, at: "2026-03-02T10:01:00Z", idempotencyKey: "m-1" });
    expect(retry.json).toMatchObject({ decision: first.json.decision, replayed: true, eventId: first.json.eventId });
    const soon = await call("POST", "/v1/contacts/ada%40example.org/attempts", { touch: { channel: "email" }, at: "2026-03-02T11:00:00Z" });
    expect(soon.json.decision).toMatchObject({ verdict: "defer", notBefore: "2026-03-02T12:00:00Z" });
    const late = await call("POST", "/v1/contacts/ada%40example.org/attempts", { touch: { channel: "email" }, at: "2026-03-02T09:00:00Z" });
    expect(late.status).toBe(409);
    expect(late.json.error).toMatchObject({ code: "out-of-order", field: "at" });
    expect((await server.store.history("ada@example.org")).map((e) => e.id)).toEqual([first.json.eventId]);
    expect(JSON.parse(decisions.lines().at(-1)!)).toMatchObject({ kind: "attempt", contactId: "ada@example.org", verdict: "defer" });
  });

  it("stores events with dedupe by id", async () => {
    const reply = { type: "reply", at: "2026-03-02T12:00:00Z", id: "wh-1", sentiment: "positive" };
    const first = await call("POST", "/v1/contacts/c2/events", reply);
    expect(first.status).toBe(201);
    expect(first.json).toEqual({ added: ["wh-1"], duplicates: [] });
    const again = await call("POST", "/v1/contacts/c2/events", { events: [reply, { type: "open", at: "2026-03-02T12:05:00Z", id: "wh-2" }] });
    expect(again.status).toBe(201);
    expect(again.json).toEqual({ added: ["wh-2"], duplicates: ["wh-1"] });
    const replay = await call("POST", "/v1/contacts/c2/events", reply);
    expect(replay.status).toBe(200);
    expect(replay.json).toEqual({ added: [], duplicates: ["wh-1"] });
    const bad = await call("POST", "/v1/contacts/c2/events", { events: [reply, { type: "reply", at: "noon" }] });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ field: "events[1].at", index: 1 });
    expect(bad.json.error.message).toContain("`noon`");
  });

  it("answers malformed and wrong requests with a status and a plain message", async () => {
    const malformed = await call("POST", "/v1/evaluate", '{"contact": {"id": "c1"},');
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.code).toBe("malformed-json");
    expect(malformed.json.error.message).toMatch(/^the request body is not valid JSON: /);
    expect(malformed.json.error.message).not.toMatch(/\n|at .*\.js/);

    const empty = await call("POST", "/v1/evaluate", "");
    expect(empty.json.error.message).toBe("the request body is empty: expected a JSON object");
    expect((await call("POST", "/v1/evaluate", "[1,2]")).json.error.message).toBe("the request body must be a JSON object");

    const badEvent = await call("POST", "/v1/evaluate", { contact: { id: "c1" }, history: [{ type: "touch", channel: "call", at: "2026-02-30 25:00" }], touch: { channel: "call" }, at: "2026-03-02T11:00:00Z" });
    expect(badEvent.status).toBe(400);
    expect(badEvent.json.error).toMatchObject({ code: "invalid-time", field: "history[0].at", index: 0 });

    const noTouch = await call("POST", "/v1/evaluate", { contact: { id: "c1" }, at: "2026-03-02T11:00:00Z" });
    expect(noTouch.json.error.field).toBe("touch");

    const unknownPolicy = await call("POST", "/v1/evaluate", { policy: "gat", contact: { id: "c1" }, touch: { channel: "call" }, at: "2026-03-02T11:00:00Z" });
    expect(unknownPolicy.status).toBe(404);
    expect(unknownPolicy.json.error.message).toBe("unknown policy `gat` (did you mean `gate`?)");

    const noTouchAttempt = await call("POST", "/v1/contacts/c9/attempts", { at: "2026-03-02T11:00:00Z" });
    expect(noTouchAttempt.status).toBe(400);
    expect(noTouchAttempt.json.error).toMatchObject({ code: "invalid-touch", field: "touch" });
    const badKey = await call("POST", "/v1/contacts/c9/attempts", { touch: { channel: "email" }, at: "2026-03-02T11:00:00Z", idempotencyKey: 7 });
    expect(badKey.json.error).toMatchObject({ field: "idempotencyKey", message: "`idempotencyKey` must be a non-empty string" });
    const otherContact = await call("POST", "/v1/contacts/c9/attempts", { touch: { channel: "email" }, at: "2026-03-02T11:00:00Z", contact: { id: "c8" } });
    expect(otherContact.json.error).toMatchObject({ field: "contact.id", message: "`contact.id` is `c8` but the attempt is for contact `c9`" });
    expect(await server.store.history("c9")).toEqual([]);
    const badPath = await call("POST", "/v1/contacts/%E0%A4%A/events", { type: "open", at: "2026-03-02T11:00:00Z" });
    expect(badPath.status).toBe(400);
    expect(badPath.json.error.message).toBe("the contact id `%E0%A4%A` in the path is not valid");

    const missing = await call("GET", "/v2/nothing");
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toBe("no such endpoint `/v2/nothing`");

    const wrongMethod = await call("GET", "/v1/evaluate");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
    expect(wrongMethod.json.error.message).toBe("`GET` is not allowed on `/v1/evaluate` (allowed: POST)");
  });

  it("refuses an oversize body with 413 and keeps serving", async () => {
    const huge = JSON.stringify({ contact: { id: "c1" }, history: [], touch: { channel: "email", note: "x".repeat(1024 * 1024 + 10) }, at: "2026-03-02T11:00:00Z" });
    const res = await fetch(`${server.url}/v1/evaluate`, { method: "POST", body: huge, headers: { "content-type": "application/json" } });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe("the request body is larger than the limit of 1048576 bytes");
    expect((await call("GET", "/healthz")).status).toBe(200);
  });

  it("answers a burst of 200 concurrent requests without an error", async () => {
    const requests = Array.from({ length: 200 }, (_, i) =>
      i % 2 === 0
        ? call("POST", "/v1/evaluate", { contact: { id: `b${i}` }, history: [], touch: { channel: i % 4 === 0 ? "call" : "email" }, at: "2026-03-02T11:00:00Z" })
        : call("POST", `/v1/contacts/burst-${((i - 1) / 2) % 10}/attempts`, { touch: { channel: "email" }, at: "2026-03-02T11:00:00Z", idempotencyKey: `k-${i}` }),
    );
    const answers = await Promise.all(requests);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    // Ten contacts, all at the same instant: the first attempt per contact is allowed, the rest deferred.
    const attempts = answers.filter((_, i) => i % 2 === 1);
    expect(attempts.filter((a) => a.json.decision.verdict === "allow")).toHaveLength(10);
  });

  it("keeps the working policy when a bad one is dropped in, and shows its error", async () => {
    writeFileSync(join(dir, "broken.heed"), `cadence "broken" {\n  channels email\n  at most 3 emails per fortnight\n}\n`);
    await until("the broken file to be reported", async () => (await call("GET", "/v1/policies")).json.errors.length === 1);
    const { json } = await call("GET", "/v1/policies");
    expect(json.policies.map((p: { name: string }) => p.name)).toEqual(["gate"]);
    expect(json.errors[0]).toMatchObject({ file: "broken.heed", keptPrevious: false });
    expect(json.errors[0].diagnostics[0].span).toMatchObject({ file: "broken.heed", line: 3 });
    expect(log.lines().some((l) => l.startsWith("heed serve: `broken.heed` not loaded: broken.heed:3:"))).toBe(true);
    const still = await call("POST", "/v1/evaluate", { contact: { id: "c1" }, touch: { channel: "call" }, at: "2026-03-02T11:00:00Z" });
    expect(still.json.decision.verdict).toBe("allow");
    rmSync(join(dir, "broken.heed"));
    await until("the broken file to be forgotten", async () => (await call("GET", "/v1/policies")).json.errors.length === 0);
  });

  it("keeps the previous version of a file whose new version is broken, and loads a fixed one", async () => {
    writeFileSync(join(dir, "gate.heed"), GOOD.replace("channels email, call", "channels email, call\n  at most one call per day"));
    await until("the broken edit to be reported", async () => (await call("GET", "/v1/policies")).json.errors.length === 1);
    const { json } = await call("GET", "/v1/policies");
    expect(json.errors[0]).toMatchObject({ file: "gate.heed", keptPrevious: true });
    expect(json.policies[0].hash).toBe(sha(GOOD));
    const stricter = GOOD.replace("at least 2 hours", "at least 3 hours");
    writeFileSync(join(dir, "gate.heed"), stricter);
    await until("the fixed file to load", async () => (await call("GET", "/v1/policies")).json.policies[0]?.hash === sha(stricter));
    expect((await call("GET", "/v1/policies")).json.errors).toEqual([]);
    writeFileSync(join(dir, "gate.heed"), GOOD);
    await until("the original to load again", async () => (await call("GET", "/v1/policies")).json.policies[0]?.hash === sha(GOOD));
  });

  it("evaluates a set of policies, or one by name", async () => {
    writeFileSync(join(dir, "compliance.heed.yaml"), COMPLIANCE);
    await until("the YAML policy to load", async () => (await call("GET", "/v1/policies")).json.policies.length === 2);
    const input = { contact: { id: "c1", attributes: { region: "eu" } }, touch: { channel: "sms" }, at: "2026-03-02T11:00:00Z" };
    const both = await call("POST", "/v1/evaluate", input);
    expect(both.json.decision.verdict).toBe("deny");
    expect(both.json.decision.reasons.map((r: { rule: string }) => r.rule)).toContain("no-sms");
    const gateOnly = await call("POST", "/v1/evaluate", { ...input, policy: "gate" });
    expect(gateOnly.json.decision.reasons.map((r: { code: string }) => r.code)).toEqual(["unknown-channel"]);
    rmSync(join(dir, "compliance.heed.yaml"));
    await until("the YAML policy to go", async () => (await call("GET", "/v1/policies")).json.policies.length === 1);
  });
});

describe("runServe", () => {
  it("exits 2 with the usage on bad arguments", async () => {
    const err = sink();
    expect(await runServe([], { stdout: sink(), stderr: err })).toBe(2);
    expect(err.lines()[0]).toBe("heed serve: missing the policy folder");
    const err2 = sink();
    expect(await runServe(["policies", "--port", "http"], { stdout: sink(), stderr: err2 })).toBe(2);
    expect(err2.lines()[0]).toBe("heed serve: `--port` must be a port number from 0 to 65535, got `http`");
    const err3 = sink();
    expect(await runServe(["/nowhere/at/all", "--port", "0"], { stdout: sink(), stderr: err3 })).toBe(2);
    expect(err3.lines()[0]).toBe("heed serve: path `/nowhere/at/all` not found");
    const err5 = sink();
    expect(await runServe([".", "--decision-log", "/nowhere/d.jsonl", "--store", "memory"], { stdout: sink(), stderr: err5 })).toBe(1);
    expect(err5.lines()[0]).toBe("heed serve: cannot write the decision log `/nowhere/d.jsonl`: ENOENT");
    const err4 = sink();
    expect(await runServe(["x", "--verbose"], { stdout: sink(), stderr: err4 })).toBe(2);
    expect(err4.lines()[0]).toBe("heed serve: unknown option `--verbose`");
  });

  it("exits 1 with a plain message when the port is taken", async () => {
    const dir = mkdtempSync(join(tmpdir(), "heed-port-"));
    writeFileSync(join(dir, "gate.heed"), GOOD);
    const first = await startServer({ policies: dir, store: "memory", pollInterval: 0, watch: false });
    try {
      const port = new URL(first.url).port;
      const err = sink();
      expect(await runServe([dir, "--port", port, "--store", "memory"], { stdout: sink(), stderr: err })).toBe(1);
      expect(err.lines().at(-1)).toBe(`heed serve: cannot start: port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await first.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 1 naming the holder when the PGlite store folder is in use", async () => {
    const dir = mkdtempSync(join(tmpdir(), "heed-locked-"));
    writeFileSync(join(dir, "gate.heed"), GOOD);
    const first = await startServer({ policies: dir, store: join(dir, "store"), pollInterval: 0, watch: false });
    try {
      const err = sink();
      expect(await runServe([".", "--port", "0", "--store", "store"], { stdout: sink(), stderr: err, cwd: dir })).toBe(1);
      expect(err.lines().at(-1)).toMatch(
        /^heed serve: cannot start: the store folder `.*\/store` is in use by this process since [\d-]+T[\d:.]+Z: one PGlite folder serves one process \(use PostgreSQL to share a store\); if that process is gone, remove `.*\/store\/heed\.lock`$/,
      );
    } finally {
      await first.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("serves attempts from a PostgreSQL store named by its URL", async () => {
    const postgres = lazyPostgres();
    const dir = mkdtempSync(join(tmpdir(), "heed-pgserve-"));
    try {
      const url = await createDatabase(await postgres.cluster());
      writeFileSync(join(dir, "gate.heed"), GOOD);
      const server = await startServer({ policies: dir, store: url, pollInterval: 0, watch: false });
      try {
        expect(server.store.kind).toBe("postgres");
        const attempt = (at: string): Promise<Response> =>
          fetch(`${server.url}/v1/contacts/pg-1/attempts`, { method: "POST", body: JSON.stringify({ touch: { channel: "call" }, at }), headers: JSON_TYPE });
        const answers = await Promise.all([attempt("2026-03-02T10:00:00Z"), attempt("2026-03-02T10:00:00Z"), attempt("2026-03-02T10:00:00Z")]);
        const verdicts = await Promise.all(answers.map(async (r) => ((await r.json()) as { decision: { verdict: string } }).decision.verdict));
        expect(verdicts.sort()).toEqual(["allow", "defer", "defer"]);
        expect(await server.store.history("pg-1")).toHaveLength(1);
      } finally {
        await server.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await postgres.stop();
    }
  });

  it("serves from the default PGlite store in .heed/store of a fresh folder, writes the decision log to a file, and stops cleanly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "heed-run-"));
    try {
      writeFileSync(join(dir, "gate.heed"), GOOD);
      let stop!: () => void;
      const stopSignal = new Promise<void>((resolve) => (stop = resolve));
      let url = "";
      const out = sink();
      const err = sink();
      const running = runServe([".", "--port", "0", "--decision-log", "decisions.jsonl"], {
        stdout: out,
        stderr: err,
        cwd: dir,
        stopSignal,
        onListening: (u) => (url = u),
      });
      const exitedEarly = running.then((code) => {
        throw new Error(`runServe exited with ${code} before listening: ${err.lines().join(" / ")}`);
      });
      await Promise.race([exitedEarly, until("the service to listen", async () => url !== "", 30_000)]);
      exitedEarly.catch(() => undefined);
      const res = await fetch(`${url}/v1/contacts/c1/attempts`, { method: "POST", body: JSON.stringify({ touch: { channel: "call" }, at: "2026-03-02T10:00:00Z" }), headers: JSON_TYPE });
      expect(((await res.json()) as { decision: { verdict: string } }).decision.verdict).toBe("allow");
      stop();
      expect(await running).toBe(0);
      expect(err.lines()).toContain(`heed serve: listening on ${url} (1 policy, pglite store)`);
      expect(err.lines().at(-1)).toBe("heed serve: stop: shutting down");
      const logged = readFileSync(join(dir, "decisions.jsonl"), "utf8").trim().split("\n");
      expect(logged).toHaveLength(1);
      expect(JSON.parse(logged[0]!)).toMatchObject({ kind: "attempt", contactId: "c1", verdict: "allow", policies: [{ name: "gate", hash: sha(GOOD) }] });
      expect(out.lines()).toEqual([]);
      expect(existsSync(join(dir, ".heed", "store", "PG_VERSION"))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reloads on SIGHUP and shuts down cleanly on SIGTERM as a process", async () => {
    const dir = mkdtempSync(join(tmpdir(), "heed-proc-"));
    writeFileSync(join(dir, "gate.heed"), GOOD);
    const command = resolve("src/adapters/http/command.ts");
    const script = `const { runServe } = await import(${JSON.stringify(command)});
process.exitCode = await runServe([".", "--port", "0", "--store", "memory"], { stdout: process.stdout, stderr: process.stderr });`;
    const tsx = pathToFileURL(resolve("node_modules/tsx/dist/loader.mjs")).href;
    const child = spawn(process.execPath, ["--import", tsx, "--input-type=module", "-e", script], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    try {
      await until("the child to listen", async () => /listening on http/.test(stderr), 30_000);
      const url = /listening on (http:\/\/[^ ]+)/.exec(stderr)![1]!;
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const changed = GOOD.replace("2 hours", "4 hours");
      writeFileSync(join(dir, "gate.heed"), changed);
      child.kill("SIGHUP");
      await until("the reload", async () => {
        const listed = (await (await fetch(`${url}/v1/policies`)).json()) as { policies: { hash: string }[] };
        return listed.policies[0]?.hash === sha(changed);
      });
      expect(stderr).toContain("heed serve: SIGHUP: reloading policies");
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(stderr).toContain("heed serve: SIGTERM: shutting down");
    } finally {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("policy reloads", () => {
  const CALLS = `cadence "calls" {
  channels email, call
  at most 1 call per day
  at least 2 hours between touches
}
`;
  const REQUIRED = `cadence "compliance" {
  channels email, call, sms
  never sms when contact.region == "eu"
}
`;
  let dir: string;
  let outside: string;
  let server: RunningServer;
  const log = sink();

  const get = async (path: string): Promise<any> => (await fetch(`${server.url}${path}`)).json();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "heed-reload-"));
    outside = mkdtempSync(join(tmpdir(), "heed-outside-"));
    writeFileSync(join(dir, "calls.heed"), CALLS);
    writeFileSync(join(dir, "compliance.heed"), REQUIRED);
    server = await startServer({ policies: dir, store: new MemoryStore(), log, pollInterval: 50, require: ["compliance"] });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it("never serves a file half-written, however the writer pauses", async () => {
    const half = `cadence "slow" {\n  channels email, call\n`;
    const whole = `${half}  at most 1 call per day\n}\n`;
    // Half a file that parses: the call cap has not arrived yet.
    const halfParses = `${half}}\n`;
    const seen = new Set<string>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const p of (await get("/v1/policies")).policies as { hash: string }[]) seen.add(p.hash);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    writeFileSync(join(dir, "slow.heed"), halfParses);
    await new Promise((resolve) => setTimeout(resolve, 300));
    writeFileSync(join(dir, "slow.heed"), whole);
    await until("the whole file to load", async () => seen.has(sha(whole)));
    sampling = false;
    await sampler;
    expect(seen.has(sha(halfParses))).toBe(false);
    rmSync(join(dir, "slow.heed"));
    await until("the slow policy to go", async () => !(await get("/v1/policies")).policies.some((p: { name: string }) => p.name === "slow"));
  });

  it("reloads while another file of the folder is written all the time (a decision log beside the policies)", async () => {
    const busy = join(dir, "decisions.jsonl");
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        writeFileSync(busy, `{"line":${i}}\n`, { flag: "a" });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      writeFileSync(join(dir, "added.heed"), `cadence "added" {\n  channels email\n}\n`);
      await until("the added policy to load", async () => (await get("/v1/policies")).policies.some((p: { name: string }) => p.name === "added"));
    } finally {
      writing = false;
      await writer;
      rmSync(join(dir, "added.heed"), { force: true });
      rmSync(busy, { force: true });
    }
    await until("the added policy to go", async () => !(await get("/v1/policies")).policies.some((p: { name: string }) => p.name === "added"));
  });

  it("swaps the whole set at once: a reload in flight shows the old set or the new one, never half of each", async () => {
    const folder = mkdtempSync(join(tmpdir(), "heed-swap-"));
    try {
      const a1 = `cadence "a" {\n  channels email\n}\n`;
      const b1 = `cadence "b" {\n  channels email\n}\n`;
      writeFileSync(join(folder, "a.heed"), a1);
      writeFileSync(join(folder, "b.heed"), b1);
      const registry = new PolicyRegistry(folder, { settleMs: 150 });
      await registry.reload();
      const a2 = a1.replace("email", "email, call");
      const b2 = b1.replace("email", "email, sms");
      writeFileSync(join(folder, "a.heed"), a2);
      const seen = new Set<string>();
      const reloading = registry.reload();
      // b changes while a waits to settle: read one at a time, a would be taken well before b.
      setTimeout(() => writeFileSync(join(folder, "b.heed"), b2), 100);
      let done = false;
      void reloading.then(() => (done = true));
      while (!done) {
        seen.add(registry.policies().map((p) => p.hash).join(" "));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      seen.add(registry.policies().map((p) => p.hash).join(" "));
      expect([...seen].sort()).toEqual([`${sha(a1)} ${sha(b1)}`, `${sha(a2)} ${sha(b2)}`].sort());
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("warns when a file is deleted and lists its policy as removed", async () => {
    writeFileSync(join(dir, "extra.heed"), `cadence "extra" {\n  channels email\n}\n`);
    await until("extra to load", async () => (await get("/v1/policies")).policies.some((p: { name: string }) => p.name === "extra"));
    rmSync(join(dir, "extra.heed"));
    await until("extra to leave", async () => !(await get("/v1/policies")).policies.some((p: { name: string }) => p.name === "extra"));
    const listed = await get("/v1/policies");
    expect(listed.removed).toContainEqual({ name: "extra", file: "extra.heed", removedAt: expect.any(String) });
    expect(log.lines()).toContain("heed serve: warning: `extra.heed` was deleted: policy `extra` is no longer in use");
  });

  it("keeps a required policy whose file is broken or deleted, and reports it", async () => {
    const input = { contact: { id: "c1", attributes: { region: "eu" } }, touch: { channel: "sms" }, at: "2026-03-02T11:00:00Z" };
    const evaluate = async (): Promise<string> =>
      ((await (await fetch(`${server.url}/v1/evaluate`, { method: "POST", body: JSON.stringify(input), headers: { "content-type": "application/json" } })).json()) as any).decision.verdict;
    expect(await evaluate()).toBe("deny");
    writeFileSync(join(dir, "compliance.heed"), REQUIRED.replace("never sms", "nevr sms"));
    await until("the broken edit to be reported", async () => (await get("/v1/policies")).errors.some((e: { file: string }) => e.file === "compliance.heed"));
    expect(await evaluate()).toBe("deny");
    rmSync(join(dir, "compliance.heed"));
    await until("the deletion to be reported", async () =>
      (await get("/v1/policies")).errors.some((e: any) => e.diagnostics[0].code === "required-policy-missing"),
    );
    const listed = await get("/v1/policies");
    expect(listed.policies).toContainEqual(expect.objectContaining({ name: "compliance", required: true, hash: sha(REQUIRED) }));
    expect(listed.errors).toContainEqual({
      file: "compliance.heed",
      keptPrevious: true,
      diagnostics: [expect.objectContaining({ code: "required-policy-missing", message: "`compliance.heed` was deleted, but policy `compliance` is required: its last good version stays in use" })],
    });
    expect(listed.removed.map((r: { name: string }) => r.name)).not.toContain("compliance");
    expect(await evaluate()).toBe("deny");
    expect(log.lines()).toContain(
      "heed serve: `compliance.heed` not loaded (the previous version stays in use): compliance.heed:1:1: `compliance.heed` was deleted, but policy `compliance` is required: its last good version stays in use",
    );
    writeFileSync(join(dir, "compliance.heed"), REQUIRED);
    await until("the file to come back", async () => (await get("/v1/policies")).errors.length === 0);
  });

  it("refuses a symbolic link out of the folder without reading it, and a file that is not a regular file", async () => {
    writeFileSync(join(outside, "secret.heed"), "root:x:0:0:secret-token\n");
    symlinkSync(join(outside, "secret.heed"), join(dir, "leak.heed"));
    const fifo = spawnSync("mkfifo", [join(dir, "pipe.heed")]);
    expect(fifo.status).toBe(0);
    try {
      await until("both to be refused", async () => (await get("/v1/policies")).errors.length === 2);
      const response = await fetch(`${server.url}/v1/policies`);
      const text = await response.text();
      expect(text).not.toMatch(/root|secret-token/);
      const listed = JSON.parse(text);
      expect(listed.errors.map((e: any) => [e.file, e.diagnostics[0].code, e.diagnostics[0].message])).toEqual([
        ["leak.heed", "symlink-outside", "`leak.heed` is a symbolic link to a file outside the policy folder: not read"],
        ["pipe.heed", "read-error", "`pipe.heed` is not a regular file: not read"],
      ]);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      rmSync(join(dir, "leak.heed"));
      rmSync(join(dir, "pipe.heed"));
    }
    // A link to a file inside the folder is read.
    mkdirSync(join(dir, "shared"));
    writeFileSync(join(dir, "shared", "inner.txt"), `cadence "inner" {\n  channels email\n}\n`);
    symlinkSync(join(dir, "shared", "inner.txt"), join(dir, "inner.heed"));
    await until("the inner link to load", async () => (await get("/v1/policies")).policies.some((p: { name: string }) => p.name === "inner"));
    rmSync(join(dir, "inner.heed"));
  });

  it("does not start without a required policy", async () => {
    const empty = mkdtempSync(join(tmpdir(), "heed-required-"));
    try {
      writeFileSync(join(empty, "calls.heed"), CALLS);
      await expect(startServer({ policies: empty, store: "memory", pollInterval: 0, watch: false, require: ["compliance"] })).rejects.toThrow(
        "required policy `compliance` is not loaded (no policy file declares it)",
      );
      writeFileSync(join(empty, "compliance.heed"), "cadence \"compliance\" {\n  chanels sms\n}\n");
      const err = sink();
      expect(await runServe([".", "--port", "0", "--store", "memory", "--require", "compliance", "--require", "calls"], { stdout: sink(), stderr: err, cwd: empty })).toBe(1);
      expect(err.lines().at(-1)).toBe("heed serve: cannot start: required policy `compliance` is not loaded (see the errors of `compliance.heed`)");
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

/**
 * `heed serve`'s guards: the bearer token, JSON only, foreign origins and
 * hosts (DNS rebinding), binding beyond loopback, and a decision log that
 * can neither grow memory without bound nor fill a disk.
 */

import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runServe } from "../../src/adapters/http/command.js";
import { startServer, type RunningServer } from "../../src/adapters/http/server.js";
import { MemoryStore } from "../../src/adapters/store/memory.js";

const POLICY = `cadence "gate" {
  timezone from contact.timezone else "UTC"
  channels email, call
  at most 1 call per day
}
`;
const TOKEN = "t0k3n-5f1d8a7e9c2b4d6f8a0c1e3b5d7f9a1c";

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

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // Every answer is JSON (or empty); `any` keeps the assertions short.
  json: any;
}

/** A request with exactly the headers given (fetch would not let a test set `Host`). */
function raw(url: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers: { ...headers, ...(body !== undefined ? { "content-length": String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text === "" ? undefined : JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const JSON_TYPE = { "content-type": "application/json" };
const attemptBody = JSON.stringify({ touch: { channel: "call" }, at: "2026-03-02T10:00:00Z" });

describe("heed serve with a token and an allowed origin", () => {
  let dir: string;
  let server: RunningServer;
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "heed-secure-"));
    writeFileSync(join(dir, "gate.heed"), POLICY);
    server = await startServer({ policies: dir, store: new MemoryStore(), pollInterval: 0, watch: false, token: TOKEN, allowOrigins: ["https://app.example.com"] });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("asks every endpoint but /healthz for the bearer token", async () => {
    expect((await raw(server.url, "GET", "/healthz")).status).toBe(200);
    const none = await raw(server.url, "GET", "/v1/policies");
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toBe('Bearer realm="heed"');
    expect(none.json.error).toEqual({ code: "unauthorized", message: "this endpoint needs the service's token: `Authorization: Bearer TOKEN`" });
    const wrong = await raw(server.url, "GET", "/v1/policies", { authorization: `Bearer ${TOKEN.slice(0, -1)}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.message).toBe("the bearer token is not the service's token");
    expect((await raw(server.url, "GET", "/v1/policies", { authorization: "Basic dXNlcjpwYXNz" })).status).toBe(401);
    expect((await raw(server.url, "GET", "/v1/policies", auth)).status).toBe(200);
    const refused = await raw(server.url, "POST", "/v1/contacts/t1/attempts", JSON_TYPE, attemptBody);
    expect(refused.status).toBe(401);
    expect(await server.store.history("t1")).toEqual([]);
    const allowed = await raw(server.url, "POST", "/v1/contacts/t1/attempts", { ...JSON_TYPE, ...auth }, attemptBody);
    expect(allowed.status).toBe(200);
    expect(allowed.json.decision.verdict).toBe("allow");
  });

  it("takes POST bodies sent as application/json only", async () => {
    for (const type of ["text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1"]) {
      const answer = await raw(server.url, "POST", "/v1/contacts/t2/attempts", { "content-type": type, ...auth }, attemptBody);
      expect(answer.status).toBe(415);
      expect(answer.json.error.code).toBe("unsupported-media-type");
      expect(answer.json.error.message).toBe(`the request body must be JSON sent as \`content-type: application/json\` (UTF-8), got \`${type}\``);
    }
    expect((await raw(server.url, "POST", "/v1/contacts/t2/attempts", auth, attemptBody)).json.error.message).toBe(
      "the request body must be JSON sent as `content-type: application/json` (UTF-8), got none",
    );
    expect(await server.store.history("t2")).toEqual([]);
    expect((await raw(server.url, "POST", "/v1/contacts/t2/attempts", { "content-type": "Application/JSON; charset=utf-8", ...auth }, attemptBody)).status).toBe(200);
  });

  it("refuses requests from web pages of other origins, and answers the allowed one with CORS", async () => {
    const foreign = await raw(server.url, "POST", "/v1/contacts/t3/attempts", { ...JSON_TYPE, ...auth, origin: "https://evil.example" }, attemptBody);
    expect(foreign.status).toBe(403);
    expect(foreign.json.error).toEqual({
      code: "forbidden-origin",
      message: "requests from web pages are refused unless their origin is allowed (`--allow-origin`): `https://evil.example` is not",
    });
    expect((await raw(server.url, "GET", "/healthz", { origin: "null" })).status).toBe(403);
    expect(await server.store.history("t3")).toEqual([]);
    const preflight = await raw(server.url, "OPTIONS", "/v1/contacts/t3/attempts", {
      origin: "https://app.example.com",
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization, content-type",
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers).toMatchObject({
      "access-control-allow-origin": "https://app.example.com",
      "access-control-allow-methods": "GET, POST",
      "access-control-allow-headers": "authorization, content-type",
    });
    expect((await raw(server.url, "OPTIONS", "/v1/contacts/t3/attempts", { origin: "https://evil.example" })).status).toBe(403);
    const allowed = await raw(server.url, "POST", "/v1/contacts/t3/attempts", { ...JSON_TYPE, ...auth, origin: "https://app.example.com" }, attemptBody);
    expect(allowed.status).toBe(200);
    expect(allowed.headers["access-control-allow-origin"]).toBe("https://app.example.com");
  });

  it("bound to loopback, answers only requests that name loopback in Host (DNS rebinding)", async () => {
    const port = new URL(server.url).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, "localhost"]) {
      expect((await raw(server.url, "GET", "/healthz", { host })).status).toBe(200);
    }
    for (const host of [`rebind.evil.example:${port}`, `127.0.0.1:${Number(port) + 1}`, `localhost.evil.example:${port}`]) {
      const answer = await raw(server.url, "POST", "/v1/contacts/t4/attempts", { host, ...JSON_TYPE, ...auth }, attemptBody);
      expect(answer.status).toBe(421);
      expect(answer.json.error.code).toBe("unknown-host");
    }
    expect(await server.store.history("t4")).toEqual([]);
  });
});

describe("heed serve beyond loopback", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "heed-wide-"));
    writeFileSync(join(dir, "gate.heed"), POLICY);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("does not start on 0.0.0.0 without a token, and warns with one", async () => {
    await expect(startServer({ policies: dir, store: "memory", host: "0.0.0.0", pollInterval: 0, watch: false })).rejects.toThrow(
      "listening on `0.0.0.0`, beyond loopback, needs a token: every endpoint would be open to the network",
    );
    const err = sink();
    expect(await runServe([".", "--host", "0.0.0.0", "--port", "0", "--store", "memory"], { stdout: sink(), stderr: err, cwd: dir })).toBe(2);
    expect(err.lines()[0]).toBe(
      "heed serve: listening on `0.0.0.0` reaches beyond this machine and needs `--token-file`: without a token every endpoint would be open to the network",
    );

    writeFileSync(join(dir, "token"), `${TOKEN}\n`);
    chmodSync(join(dir, "token"), 0o644);
    let stop!: () => void;
    const stopSignal = new Promise<void>((resolve) => (stop = resolve));
    const started = sink();
    let url = "";
    const running = runServe([".", "--host", "0.0.0.0", "--port", "0", "--store", "memory", "--token-file", "token"], {
      stdout: sink(),
      stderr: started,
      cwd: dir,
      stopSignal,
      onListening: (u) => (url = u),
    });
    for (let i = 0; i < 200 && url === ""; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    const port = new URL(url).port;
    // Beyond loopback the Host is not checked; the token is.
    expect((await raw(`http://127.0.0.1:${port}`, "GET", "/v1/policies", { host: `heed.internal:${port}` })).status).toBe(401);
    expect((await raw(`http://127.0.0.1:${port}`, "GET", "/v1/policies", { host: `heed.internal:${port}`, authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    stop();
    expect(await running).toBe(0);
    expect(started.lines()).toContain("heed serve: warning: the token file `" + join(dir, "token") + "` can be read by other users (chmod 600 it)");
    expect(started.lines()).toContain(
      "heed serve: warning: listening on `0.0.0.0`, beyond loopback: every request but /healthz needs the token, which travels in clear without TLS in front",
    );
  });

  it("refuses an empty or missing token file", async () => {
    writeFileSync(join(dir, "empty"), "\n");
    const err = sink();
    expect(await runServe([".", "--port", "0", "--store", "memory", "--token-file", "empty"], { stdout: sink(), stderr: err, cwd: dir })).toBe(1);
    expect(err.lines().at(-1)).toBe(`heed serve: cannot start: the token file \`${join(dir, "empty")}\` is empty`);
    const err2 = sink();
    expect(await runServe([".", "--port", "0", "--store", "memory", "--token-file", "nowhere"], { stdout: sink(), stderr: err2, cwd: dir })).toBe(1);
    expect(err2.lines().at(-1)).toBe(`heed serve: cannot start: cannot read the token file \`${join(dir, "nowhere")}\`: ENOENT`);
  });

  it("lists its guards in --help", async () => {
    const out = sink();
    expect(await runServe(["--help"], { stdout: out, stderr: sink() })).toBe(0);
    const help = out.lines().join("\n");
    for (const option of ["--token-file FILE", "--allow-origin ORIGIN", "--decision-log-max-bytes N", "--decision-log-keep K", "--decision-log-backpressure drop|block", "--require NAME"]) {
      expect(help).toContain(option);
    }
  });
});

describe("the decision log", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "heed-dlog-"));
    writeFileSync(join(dir, "gate.heed"), POLICY);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const evaluate = (url: string, i: number): Promise<Answer> =>
    raw(url, "POST", "/v1/evaluate", JSON_TYPE, JSON.stringify({ contact: { id: `c${i}` }, touch: { channel: "email" }, at: "2026-03-02T10:00:00Z" }));

  it("holds a bounded amount in memory when its output is not read: lines are dropped and counted", async () => {
    // A stream nobody reads, as stdout piped to a process that does not read it.
    const unread = new PassThrough({ highWaterMark: 1024 });
    const log = sink();
    const server = await startServer({ policies: dir, store: "memory", pollInterval: 0, watch: false, decisionLog: unread, decisionLogMaxPending: 16 * 1024, log });
    try {
      const answers = [];
      for (let i = 0; i < 300; i++) answers.push(await evaluate(server.url, i));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      const line = 600; // a decision line is some 400 bytes
      expect(unread.writableLength).toBeLessThan(16 * 1024 + line);
      expect(server.droppedDecisions()).toBeGreaterThan(200);
      expect((await raw(server.url, "GET", "/healthz")).json.droppedDecisions).toBe(server.droppedDecisions());
    } finally {
      await server.close();
    }
    expect(log.lines().at(-1)).toMatch(/^heed serve: warning: the decision log is not keeping up \(is its output read\?\): \d+ decision lines dropped, \d+ in all$/);
  });

  it("with block, makes answers wait for the log instead of dropping lines", async () => {
    const slow = new PassThrough({ highWaterMark: 256 });
    const server = await startServer({
      policies: dir,
      store: "memory",
      pollInterval: 0,
      watch: false,
      decisionLog: slow,
      decisionLogMaxPending: 1024,
      decisionLogBackpressure: "block",
    });
    try {
      let answered = 0;
      const pending = Array.from({ length: 20 }, (_, i) => evaluate(server.url, i).then((a) => (answered++, a)));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(answered).toBeLessThan(20);
      let text = "";
      slow.on("data", (chunk: Buffer) => (text += chunk.toString()));
      const answers = await Promise.all(pending);
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(server.droppedDecisions()).toBe(0);
      expect(text.trim().split("\n")).toHaveLength(20);
    } finally {
      await server.close();
    }
  });

  it("rotates a log file by size, keeping the number of files asked for", async () => {
    let stop!: () => void;
    const stopSignal = new Promise<void>((resolve) => (stop = resolve));
    let url = "";
    const err = sink();
    const running = runServe(
      [".", "--port", "0", "--store", "memory", "--decision-log", "d.jsonl", "--decision-log-max-bytes", "2000", "--decision-log-keep", "2"],
      { stdout: sink(), stderr: err, cwd: dir, stopSignal, onListening: (u) => (url = u) },
    );
    for (let i = 0; i < 200 && url === ""; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(url).not.toBe("");
    for (let i = 0; i < 40; i++) expect((await evaluate(url, i)).status).toBe(200);
    stop();
    expect(await running).toBe(0);
    const files = ["d.jsonl", "d.jsonl.1", "d.jsonl.2"].map((f) => join(dir, f));
    for (const file of files) {
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).size).toBeLessThanOrEqual(2000);
      for (const line of readFileSync(file, "utf8").trim().split("\n")) expect(JSON.parse(line).kind).toBe("evaluate");
    }
    expect(existsSync(join(dir, "d.jsonl.3"))).toBe(false);
    // The newest decision is in the current file.
    const last = readFileSync(files[0]!, "utf8").trim().split("\n").at(-1)!;
    expect(JSON.parse(last).verdict).toBe("allow");
    expect(err.lines().filter((l) => l.includes("cannot write"))).toEqual([]);
  });
});

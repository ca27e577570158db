/**
 * The HTTP decision service (`heed serve`): a small JSON API over
 * `node:http`, on loopback by default.
 *
 * - `POST /v1/evaluate`: stateless, `{contact, history, touch, at, policy?}` (`policy`: a loaded policy's name, or `{ text, format? }` inline)
 * - `POST /v1/contacts/{id}/attempts`: through the gate, `{touch, at, idempotencyKey?, contact?, policy?}`
 * - `POST /v1/contacts/{id}/events`: one event or a list, deduped by id
 * - `GET /v1/policies`: the policies in use and the files that failed to load
 * - `GET /healthz`
 * - `GET /`: the playground, with the served policies (read-only); static files, no API calls
 *
 * Every decision is written as one JSON line to the decision log.
 *
 * @module
 */

import { createHash, randomUUID } from "node:crypto";
import { watch, type FSWatcher } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HeedInputError, HeedPolicyError, type Diagnostic } from "../../diagnostics.js";
import { canonicalJson } from "../../canonical.js";
import type { Engine } from "../../engine/api.js";
import { compile } from "../../engine/index.js";
import { checkEvent } from "../../engine/input.js";
import type { Contact, Decision, EvaluateInput, ProposedTouch } from "../../model.js";
import { parsePolicy } from "../../parser/index.js";
import { didYouMean } from "../../parser/names.js";
import { createGate, type AttemptOptions } from "../gate.js";
import { openStore } from "../store/index.js";
import type { Store, StoredEvent } from "../store/types.js";
import { playgroundHandler, servedContent } from "./playground.js";
import { PolicyRegistry, contentHash, type LoadedPolicy } from "./policies.js";

/** Something lines can be written to (a stream, or a test's collector). */
export interface LineSink {
  /** Writes a chunk of text (whole lines, each ending with a newline). */
  write(chunk: string): unknown;
}

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** A folder of policies, or one policy file. */
  policies: string;
  /** Default 0: any free port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** A store, or a `--store` value (`memory`, a folder, a `postgres://` URL). Default: PGlite in `.heed/store`. */
  store?: Store | string;
  /** Where decision lines go (default: nowhere). */
  decisionLog?: LineSink;
  /** Where load errors and notices go (default: nowhere). */
  log?: LineSink;
  /** The largest request body accepted, in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** How often the policy files are polled for changes, in ms (default 1000; 0 turns polling off). */
  pollInterval?: number;
  /** Watch the policy folder with `fs.watch` (default true). */
  watch?: boolean;
}

/** A server started by {@link startServer}. */
export interface RunningServer {
  /** Where it listens, `http://127.0.0.1:PORT`. */
  url: string;
  /** The names of the policies in use, in file order. */
  policyNames(): string[];
  /** The store behind the contact endpoints. */
  store: Store;
  /** Reloads the policies now (what SIGHUP does). */
  reload(): Promise<boolean>;
  /** Stops listening, lets requests in flight finish, and closes a store it opened. */
  close(): Promise<void>;
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;
const WATCH_DEBOUNCE_MS = 100;

/** An error answered with a status and a plain message. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Re-exported for the decision log's readers and tests. */
export { canonicalJson };

function sha256(text: string): string {
  return `sha256:${createHash("sha256").update(text).digest("hex")}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new HttpError(413, "body-too-large", `the request body is larger than the limit of ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        reject(new HttpError(413, "body-too-large", `the request body is larger than the limit of ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", (error) => {
      if (done) return;
      done = true;
      reject(error);
    });
  });
}

async function readJson(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const text = await readBody(req, limit);
  if (text.trim() === "") throw new HttpError(400, "malformed-json", "the request body is empty: expected a JSON object");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, "malformed-json", `the request body is not valid JSON: ${(error as Error).message.replace(/\.$/, "")}`);
  }
  if (!isRecord(value)) throw new HttpError(400, "invalid-input", "the request body must be a JSON object");
  return value;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function showDiagnostic(d: Diagnostic): Record<string, unknown> {
  return { severity: d.severity, code: d.code, message: d.message, ...(d.span ? { span: d.span } : {}) };
}

/** Starts the service; resolves once it listens. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log;
  const decisionLog = options.decisionLog;
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const registry = new PolicyRegistry(options.policies);
  const ownsStore = typeof options.store !== "object";
  const store = typeof options.store === "object" ? options.store : await openStore(options.store);

  let reported = new Map<string, string>();
  const reload = async (): Promise<boolean> => {
    const changed = await registry.reload();
    // Each failure is logged once per distinct content, not at every poll.
    const next = new Map<string, string>();
    for (const failure of registry.errors()) {
      const text = failure.diagnostics.map((d) => `${d.span?.file ?? failure.file}:${d.span?.line ?? 1}:${d.span?.column ?? 1}: ${d.message}`).join("; ");
      next.set(failure.file, text);
      if (reported.get(failure.file) !== text) {
        log?.write(`heed serve: \`${failure.file}\` not loaded${failure.keptPrevious ? " (the previous version stays in use)" : ""}: ${text}\n`);
      }
    }
    reported = next;
    if (changed) log?.write(`heed serve: policies in use: ${registry.policies().map((p) => `${p.name} (${p.file})`).join(", ") || "none"}\n`);
    return changed;
  };
  try {
    await reload();
  } catch (error) {
    if (ownsStore) await store.close();
    throw error;
  }

  function engineFor(name: unknown): { engine: Engine; members: LoadedPolicy[] } {
    if (name !== undefined && typeof name !== "string") throw new HttpError(400, "invalid-input", "`policy` must be the name of a loaded policy (or, for `/v1/evaluate`, `{ text }`)");
    const engine = registry.engine(name);
    if (engine) return { engine, members: registry.members(name) };
    if (name === undefined) throw new HttpError(503, "no-policy", "no policy is loaded: see `GET /v1/policies` for the files that failed");
    const names = registry.policies().map((p) => p.name);
    throw new HttpError(404, "unknown-policy", `unknown policy \`${name}\`${didYouMean(name, names)}`);
  }

  function logDecision(kind: string, members: LoadedPolicy[], inputs: unknown, decision: Decision, extra: Record<string, unknown>): string {
    const decisionId = randomUUID();
    const line = {
      decisionId,
      time: new Date().toISOString(),
      kind,
      ...extra,
      policies: members.map((p) => ({ name: p.name, hash: p.hash })),
      inputsHash: sha256(canonicalJson(inputs)),
      verdict: decision.verdict,
      ...(decision.notBefore ? { notBefore: decision.notBefore } : {}),
      stage: decision.stage,
      reasons: decision.reasons.map((r) => ({ rule: r.rule, code: r.code, message: r.message, ...(r.policy ? { policy: r.policy } : {}) })),
    };
    decisionLog?.write(`${JSON.stringify(line)}\n`);
    return decisionId;
  }

  /** Policies sent inline with `/v1/evaluate`, compiled once per distinct text (a small cache). */
  const inline = new Map<string, { engine: Engine; members: LoadedPolicy[] }>();
  function inlineEngine(source: Record<string, unknown>): { engine: Engine; members: LoadedPolicy[] } {
    const text = source.text;
    if (typeof text !== "string") throw new HttpError(400, "invalid-input", "an inline `policy` needs `text`: the policy in the DSL or YAML form");
    const format = source.format;
    if (format !== undefined && format !== "dsl" && format !== "yaml") throw new HttpError(400, "invalid-input", `\`policy.format\` must be \`dsl\` or \`yaml\`, got \`${String(format)}\``);
    const hash = contentHash(`${format ?? ""}\n${text}`);
    const cached = inline.get(hash);
    if (cached) return cached;
    const { policy, diagnostics } = parsePolicy(text, { file: "policy", ...(format !== undefined ? { format } : {}) });
    const errors = diagnostics.filter((d) => d.severity === "error");
    if (policy === undefined || errors.length > 0) {
      const first = errors[0];
      const where = first?.span ? ` at line ${first.span.line}, column ${first.span.column}` : "";
      throw new HttpError(400, "invalid-policy", `the inline policy has errors; first${where}: ${first?.message ?? "no policy found"}`, {
        diagnostics: errors.map(showDiagnostic),
      });
    }
    let engine: Engine;
    try {
      engine = compile(policy);
    } catch (error) {
      if (!(error instanceof HeedPolicyError)) throw error;
      throw new HttpError(400, "invalid-policy", `the inline policy has errors; first: ${error.diagnostics[0]?.message ?? "invalid"}`, {
        diagnostics: error.diagnostics.map(showDiagnostic),
      });
    }
    const entry = { engine, members: [{ name: policy.name.value, file: "(inline)", hash: contentHash(text), policy, loadedAt: new Date().toISOString() }] };
    if (inline.size >= 32) inline.delete(inline.keys().next().value as string);
    inline.set(hash, entry);
    return entry;
  }

  async function evaluate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req, limit);
    const { engine, members } = isRecord(body.policy) ? inlineEngine(body.policy) : engineFor(body.policy);
    const input = { contact: body.contact, history: body.history ?? [], touch: body.touch, at: body.at };
    const decision = engine.evaluate(input as unknown as EvaluateInput);
    const decisionId = logDecision("evaluate", members, input, decision, {});
    send(res, 200, { decisionId, decision });
  }

  async function attempt(contactId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req, limit);
    const { engine, members } = engineFor(body.policy);
    const gate = createGate({ engine, store });
    // The gate checks each of these and names the field when one is malformed.
    const options: AttemptOptions = {};
    if (body.idempotencyKey !== undefined) options.idempotencyKey = body.idempotencyKey as string;
    if (body.contact !== undefined) options.contact = body.contact as Contact;
    const result = await gate.attempt(contactId, body.touch as ProposedTouch, body.at as string, options);
    const inputs = { contactId, touch: body.touch, at: body.at, contact: body.contact, idempotencyKey: body.idempotencyKey };
    const decisionId = logDecision("attempt", members, inputs, result.decision, { contactId, replayed: result.replayed });
    send(res, 200, { decisionId, decision: result.decision, replayed: result.replayed, ...(result.eventId ? { eventId: result.eventId } : {}) });
  }

  async function events(contactId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req, limit);
    const list = Array.isArray(body.events) ? (body.events as unknown[]) : body.events === undefined ? [body] : undefined;
    if (list === undefined) throw new HttpError(400, "invalid-input", "`events` must be a list of events");
    if (list.length === 0) throw new HttpError(400, "invalid-input", "`events` is empty");
    const field = (i: number): string => (Array.isArray(body.events) ? `events[${i}]` : "event");
    const stored: StoredEvent[] = list.map((event, i) => {
      checkEvent(event, Array.isArray(body.events) ? i : undefined, field(i));
      const e = event as StoredEvent;
      return { ...e, id: e.id ?? randomUUID() };
    });
    const result = await store.append(contactId, stored);
    send(res, result.added.length > 0 ? 201 : 200, result);
  }

  function policies(res: ServerResponse): void {
    send(res, 200, {
      policies: registry.policies().map((p) => ({ name: p.name, file: p.file, hash: p.hash, loadedAt: p.loadedAt })),
      errors: registry.errors().map((e) => ({ file: e.file, keptPrevious: e.keptPrevious, diagnostics: e.diagnostics.map(showDiagnostic) })),
    });
  }

  const routes: { pattern: RegExp; methods: Record<string, (match: string[], req: IncomingMessage, res: ServerResponse) => Promise<void> | void> }[] = [
    { pattern: /^\/healthz$/, methods: { GET: (_m, _req, res) => send(res, 200, { status: "ok", policies: registry.policies().length, store: store.kind }) } },
    { pattern: /^\/v1\/policies$/, methods: { GET: (_m, _req, res) => policies(res) } },
    { pattern: /^\/v1\/evaluate$/, methods: { POST: (_m, req, res) => evaluate(req, res) } },
    { pattern: /^\/v1\/contacts\/([^/]+)\/attempts$/, methods: { POST: (m, req, res) => attempt(contactIdOf(m[1]), req, res) } },
    { pattern: /^\/v1\/contacts\/([^/]+)\/events$/, methods: { POST: (m, req, res) => events(contactIdOf(m[1]), req, res) } },
  ];

  const playground = playgroundHandler({ content: () => servedContent(options.policies, registry.policies()) });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (playground(req, res)) return; // the page's static files: GET only, nothing of the API
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      const route = routes.map((r) => ({ r, m: r.pattern.exec(path) })).find((x) => x.m !== null);
      if (!route || !route.m) throw new HttpError(404, "not-found", `no such endpoint \`${path}\``);
      const handler = route.r.methods[req.method ?? "GET"];
      const allowed = Object.keys(route.r.methods).join(", ");
      if (!handler) throw new HttpError(405, "method-not-allowed", `\`${req.method}\` is not allowed on \`${path}\` (allowed: ${allowed})`, {}, { allow: allowed });
      await handler([...route.m], req, res);
    } catch (error) {
      answerError(res, req, error);
    }
  }

  function answerError(res: ServerResponse, req: IncomingMessage, error: unknown): void {
    if (error instanceof HttpError) {
      const headers = { ...error.headers, ...(error.status === 413 ? { connection: "close" } : {}) };
      send(res, error.status, { error: { code: error.code, message: error.message, ...error.extra } }, headers);
      if (error.status === 413) req.resume();
      return;
    }
    if (error instanceof HeedInputError) {
      const status = error.code === "out-of-order" ? 409 : 400;
      send(res, status, { error: { code: error.code, message: error.message, field: error.field, ...(error.index !== undefined ? { index: error.index } : {}) } });
      return;
    }
    log?.write(`heed serve: internal error on ${req.method} ${req.url}: ${(error as Error)?.message ?? String(error)}\n`);
    send(res, 500, { error: { code: "internal", message: "internal error: the request could not be answered" } });
  }

  const server = createServer((req, res) => void handle(req, res));
  // A client that trickles its request cannot hold a connection for long.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nmalformed request\n");
    else socket.destroy();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    if (ownsStore) await store.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  // Reloads: a debounced fs.watch, and polling for file systems where watching is unreliable.
  let debounce: NodeJS.Timeout | undefined;
  const scheduleReload = (): void => {
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = undefined;
      reload().catch((error: Error) => log?.write(`heed serve: reload failed: ${error.message}\n`));
    }, WATCH_DEBOUNCE_MS);
    debounce.unref();
  };
  let watcher: FSWatcher | undefined;
  if (options.watch !== false) {
    try {
      watcher = watch(options.policies, () => scheduleReload());
      watcher.on("error", () => watcher?.close());
    } catch {
      watcher = undefined; // polling still notices changes
    }
  }
  let fingerprint = registry.fingerprint();
  const pollMs = options.pollInterval ?? 1000;
  const poller =
    pollMs > 0
      ? setInterval(() => {
          const next = registry.fingerprint();
          if (next !== fingerprint) {
            fingerprint = next;
            scheduleReload();
          }
        }, pollMs)
      : undefined;
  poller?.unref();

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      watcher?.close();
      if (poller) clearInterval(poller);
      if (debounce) clearTimeout(debounce);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests still running after a grace period are cut off.
        setTimeout(() => server.closeAllConnections(), 5000).unref();
      });
      await registry.idle(); // let a reload in flight finish before the store goes
      if (ownsStore) await store.close();
    })();
    return closed;
  };

  const policyNames = (): string[] => registry.policies().map((p) => p.name);
  return { url, policyNames, store, reload, close };
}

function contactIdOf(raw: string | undefined): string {
  try {
    const id = decodeURIComponent(raw ?? "");
    if (id === "") throw new Error("empty");
    return id;
  } catch {
    throw new HttpError(400, "invalid-contact", `the contact id \`${raw ?? ""}\` in the path is not valid`);
  }
}

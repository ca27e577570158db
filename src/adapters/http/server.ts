/**
 * The HTTP decision service (`heed serve`): a small JSON API over
 * `node:http`, on loopback by default.
 *
 * - `POST /v1/evaluate`: stateless, `{contact, history, touch, at, policy?}` (`policy`: a loaded policy's name, or `{ text, format? }` inline)
 * - `POST /v1/contacts/{id}/attempts`: through the gate, `{touch, at, idempotencyKey?, contact?, policy?}`
 * - `POST /v1/contacts/{id}/events`: one event or a list, deduped by id
 * - `GET /v1/contacts/{id}`: where the contact stands: stage and counters per policy, last touches, stored snapshot
 * - `GET /v1/policies`: the policies in use and the files that failed to load
 * - `GET /metrics`: Prometheus metrics (see `metrics.ts`)
 * - `GET /healthz`
 * - `GET /`: the playground, with the served policies (read-only); static files, no API calls
 *
 * Every decision is written as one JSON line to the decision log.
 * Access is checked before a request is read: see `security.ts`.
 *
 * @module
 */

import { hash, randomUUID } from "node:crypto";
import { statSync, watch, type FSWatcher } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { canonicalJson } from "../../canonical.js";
import { HeedInputError, type Diagnostic } from "../../diagnostics.js";
import type { Engine, Snapshot } from "../../engine/api.js";
import { parseTime } from "../../engine/input.js";
import type { Contact, Decision, EvaluateInput, HistoryEvent, ProposedTouch } from "../../model.js";
import { didYouMean } from "../../parser/names.js";
import { createGate, createRecorder, snapshotVersion, type AttemptOptions, type GateOptions } from "../gate.js";
import { openStore } from "../store/index.js";
import type { AppendResult, Store, StoredEvent } from "../store/types.js";
import { escapeLines } from "../report/terminal.js";
import { DecisionLog, type Backpressure, type LineSink } from "./decision-log.js";
import { InlineEvaluator } from "./inline.js";
import { ServiceMetrics } from "./metrics.js";
import { playgroundHandler, servedContent } from "./playground.js";
import { PolicyRegistry, contentHash, isPolicyFileName, type LoadedPolicy } from "./policies.js";
import { HttpError, isRecord, readJson, send } from "./request.js";
import { checkContentType, checkHost, checkOrigin, checkToken, isLoopback, preflightHeaders, tokenDigest, type AccessPolicy } from "./security.js";

export type { LineSink } from "./decision-log.js";

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
  /**
   * When the decision log's stream does not keep up (stdout not read):
   * `drop` lines and count them (default), or `block` answers until it drains.
   */
  decisionLogBackpressure?: Backpressure;
  /** The most bytes of decision lines waiting in memory (default 1 MiB). */
  decisionLogMaxPending?: number;
  /**
   * The bearer token every endpoint but `/healthz` requires. Needed when
   * `host` is beyond loopback: without one, the server does not start.
   */
  token?: string;
  /** Origins whose web pages may call the service (`https://app.example.com`); any other `Origin` is refused. */
  allowOrigins?: readonly string[];
  /** How long a request may take to arrive, headers and body, in ms (default 30 s; 408 past it). */
  requestTimeoutMs?: number;
  /** How long a policy sent inline may take to be parsed, checked and evaluated, in ms (default 1000; 422 past it). */
  inlineBudgetMs?: number;
  /** Worker threads for inline policies (default: one less than the cores, 1 or 2). */
  inlineWorkers?: number;
  /** Where load errors and notices go (default: nowhere). */
  log?: LineSink;
  /** The largest request body accepted, in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** How often the policy files are polled for changes, in ms (default 1000; 0 turns polling off). */
  pollInterval?: number;
  /** Watch the policy folder with `fs.watch` (default true). */
  watch?: boolean;
  /**
   * Names of policies that must never leave the set (`--require`): missing
   * at start, the server does not start; deleted or broken later, the last
   * good version stays in use and the problem is reported.
   */
  require?: readonly string[];
  /** How long a policy file must stay unchanged before a reload takes it, in ms (default 500). */
  reloadSettleMs?: number;
  /** The clock of the gate, in epoch ms (default `Date.now`). */
  clock?: () => number;
  /** How far past the clock events and attempts may be dated, in ms (the gate's default: 5 minutes). */
  futureTolerance?: number;
  /** How far after an attempt's `at` a recorded signal still counts for it, in ms (the gate's default: 1 minute). */
  signalSkew?: number;
  /**
   * Apply the store's missing migrations at start (default true). False
   * (`--no-migrate`) only checks the schema is up to date, so the service
   * can run under a role with data rights alone; the server does not start
   * when it is not (run `heed migrate`).
   */
  migrate?: boolean;
  /**
   * How long an idempotency record answers retries, in ms (default 24
   * hours), by `clock`. Older records
   * are decided afresh, and removed from the store every
   * `idempotencySweepMs`.
   */
  idempotencyTtl?: number;
  /** How often expired idempotency records are removed, in ms (default 60 s; 0: never, only replaced when their key comes again). */
  idempotencySweepMs?: number;
}

/** Idempotency records answer retries for 24 hours by default. */
export const DEFAULT_IDEMPOTENCY_TTL = 24 * 60 * 60_000;

/** How many of a contact's touches `GET /v1/contacts/{id}` shows, newest first. */
export const LAST_TOUCHES = 10;

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
  /** Decision lines dropped because the log's stream did not keep up. */
  droppedDecisions(): number;
  /** Removes the expired idempotency records now (what the service does every `idempotencySweepMs`); resolves to how many. */
  expireIdempotency(): Promise<number>;
  /** Stops listening, lets requests in flight finish, and closes a store it opened. */
  close(): Promise<void>;
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** A policy as a decision line names it. */
interface PolicyVersion {
  name: string;
  hash: string;
}
const WATCH_DEBOUNCE_MS = 100;

/** Re-exported for the decision log's readers and tests. */
export { canonicalJson };

function sha256(text: string): string {
  // The one-shot digest: no hash object made and fed for each decision.
  return `sha256:${hash("sha256", text, "hex")}`;
}

function showDiagnostic(d: Diagnostic): Record<string, unknown> {
  return { severity: d.severity, code: d.code, message: d.message, ...(d.span ? { span: d.span } : {}) };
}

/** Starts the service; resolves once it listens. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const service = await DecisionService.open(options);
  return service.listen();
}

/** A route: a path pattern and, per method, its handler. */
interface Route {
  /** The route as metrics name it (`/v1/contacts/{id}/attempts`). */
  name: string;
  pattern: RegExp;
  methods: Record<string, (match: readonly string[], req: IncomingMessage, res: ServerResponse) => Promise<void> | void>;
}

/** A route as requests are matched against it: its methods listed once for `allow`. */
interface KnownRoute extends Route {
  /** The methods, as `Allow` lists them. */
  allowed: string;
}

/** The routes, looked up by exact path first (the paths without a parameter), then by pattern. */
class Routes {
  private readonly exact = new Map<string, KnownRoute>();
  private readonly patterns: KnownRoute[] = [];

  constructor(routes: readonly Route[]) {
    for (const route of routes) {
      const known = { ...route, allowed: Object.keys(route.methods).join(", ") };
      // `/^\/v1\/policies$/` names one path, `/v1/policies`; a pattern with a group is matched.
      const literal = /^\^((?:\\\/|[\w-])*)\$$/.exec(route.pattern.source);
      if (literal) this.exact.set(literal[1]!.replaceAll("\\/", "/"), known);
      else this.patterns.push(known);
    }
  }

  /** The route `path` belongs to and the pattern's match (the path and its parameters), or undefined. */
  find(path: string): { route: KnownRoute; match: readonly string[] } | undefined {
    const route = this.exact.get(path);
    if (route !== undefined) return { route, match: [path] };
    for (const candidate of this.patterns) {
      const match = candidate.pattern.exec(path);
      if (match !== null) return { route: candidate, match };
    }
    return undefined;
  }
}

/**
 * The service behind `heed serve`: the policies in use, the store, the
 * decision log and the endpoints. {@link open} loads the policies and the
 * store (and refuses to start when a required policy is missing); {@link
 * listen} starts the HTTP server, the reloads and the drop reports, and
 * returns what {@link startServer} hands out.
 */
class DecisionService {
  private readonly limit: number;
  private readonly clockOptions: Omit<GateOptions, "engine">;
  private readonly clock: () => number;
  private readonly idempotencyTtl: number;
  /** The store as the endpoints use it: each call timed for the metrics. */
  private readonly timedStore: Store;
  readonly metrics: ServiceMetrics;
  private readonly recorder: ReturnType<typeof createRecorder>;
  private readonly inline: InlineEvaluator;
  private readonly access: AccessPolicy;
  private readonly routes: Routes;
  private readonly playground: ReturnType<typeof playgroundHandler>;
  /** Each failure to load, by file, as last logged: logged again only when it changes. */
  private reported = new Map<string, string>();

  private constructor(
    private readonly options: ServerOptions,
    private readonly log: LineSink | undefined,
    private readonly registry: PolicyRegistry,
    readonly store: Store,
    private readonly ownsStore: boolean,
    private readonly decisionLog: DecisionLog | undefined,
    loopback: boolean,
  ) {
    this.limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
    this.clock = options.clock ?? Date.now;
    this.idempotencyTtl = options.idempotencyTtl ?? DEFAULT_IDEMPOTENCY_TTL;
    this.metrics = new ServiceMetrics({
      policies: () => registry.policies().length,
      failing: () => registry.errors().length,
      dropped: () => decisionLog?.dropped ?? 0,
    });
    this.timedStore = this.metrics.timedStore(store);
    this.clockOptions = {
      store: this.timedStore,
      idempotencyTtl: this.idempotencyTtl,
      ...(options.clock !== undefined ? { clock: options.clock } : {}),
      ...(options.futureTolerance !== undefined ? { futureTolerance: options.futureTolerance } : {}),
      ...(options.signalSkew !== undefined ? { signalSkew: options.signalSkew } : {}),
    };
    this.recorder = createRecorder(this.clockOptions);
    this.inline = new InlineEvaluator(
      {
        ...(options.inlineBudgetMs !== undefined ? { budgetMs: options.inlineBudgetMs } : {}),
        ...(options.inlineWorkers !== undefined ? { workers: options.inlineWorkers } : {}),
      },
      (message) => log?.write(`heed serve: ${message}\n`),
    );
    this.access = {
      port: 0, // set once listening
      loopback,
      allowOrigins: options.allowOrigins ?? [],
      tokenDigest: options.token === undefined ? undefined : tokenDigest(options.token),
    };
    this.routes = new Routes([
      { name: "/healthz", pattern: /^\/healthz$/, methods: { GET: (_m, _req, res) => this.health(res) } },
      { name: "/metrics", pattern: /^\/metrics$/, methods: { GET: (_m, _req, res) => this.showMetrics(res) } },
      { name: "/v1/policies", pattern: /^\/v1\/policies$/, methods: { GET: (_m, _req, res) => this.policies(res) } },
      { name: "/v1/evaluate", pattern: /^\/v1\/evaluate$/, methods: { POST: (_m, req, res) => this.evaluate(req, res) } },
      { name: "/v1/contacts/{id}", pattern: /^\/v1\/contacts\/([^/]+)$/, methods: { GET: (m, req, res) => this.contactStanding(contactIdOf(m[1]), req, res) } },
      { name: "/v1/contacts/{id}/attempts", pattern: /^\/v1\/contacts\/([^/]+)\/attempts$/, methods: { POST: (m, req, res) => this.attempt(contactIdOf(m[1]), req, res) } },
      { name: "/v1/contacts/{id}/events", pattern: /^\/v1\/contacts\/([^/]+)\/events$/, methods: { POST: (m, req, res) => this.events(contactIdOf(m[1]), req, res) } },
    ]);
    this.playground = playgroundHandler({ content: () => servedContent(options.policies, registry.policies()) });
  }

  /** Checks the options, loads the policies and opens the store; refuses to start when a required policy is missing. */
  static async open(options: ServerOptions): Promise<DecisionService> {
    // Log lines name files, policies and request paths: their control characters are shown escaped.
    const log: LineSink | undefined = options.log === undefined ? undefined : { write: (chunk: string) => options.log?.write(escapeLines(chunk)) };
    const host = options.host ?? "127.0.0.1";
    const loopback = isLoopback(host);
    if (options.token !== undefined && options.token.trim() === "") throw new Error("the token is empty");
    if (!loopback && options.token === undefined) {
      throw new Error(`listening on \`${host}\`, beyond loopback, needs a token: every endpoint would be open to the network`);
    }
    const decisionLog =
      options.decisionLog === undefined
        ? undefined
        : new DecisionLog(options.decisionLog, {
            ...(options.decisionLogBackpressure !== undefined ? { backpressure: options.decisionLogBackpressure } : {}),
            ...(options.decisionLogMaxPending !== undefined ? { maxPending: options.decisionLogMaxPending } : {}),
          });
    const registry = new PolicyRegistry(options.policies, {
      required: options.require ?? [],
      ...(options.reloadSettleMs !== undefined ? { settleMs: options.reloadSettleMs } : {}),
    });
    const ownsStore = typeof options.store !== "object";
    const store = typeof options.store === "object" ? options.store : await openStore(options.store, { schema: options.migrate === false ? "check" : "migrate" });
    const service = new DecisionService(options, log, registry, store, ownsStore, decisionLog, loopback);
    try {
      await service.reload();
      service.requireRequired();
    } catch (error) {
      if (ownsStore) await store.close();
      throw error;
    }
    return service;
  }

  /** Reloads the policies; true when the set in use changed. Each failure is logged once per distinct content, not at every poll. */
  async reload(): Promise<boolean> {
    const { registry, log } = this;
    let changed: boolean;
    try {
      changed = await registry.reload();
    } catch (error) {
      this.metrics.reloadError();
      throw error;
    }
    const next = new Map<string, string>();
    for (const failure of registry.errors()) {
      const text = failure.diagnostics.map((d) => `${d.span?.file ?? failure.file}:${d.span?.line ?? 1}:${d.span?.column ?? 1}: ${d.message}`).join("; ");
      next.set(failure.file, text);
      if (this.reported.get(failure.file) !== text) {
        this.metrics.reloadError();
        log?.write(`heed serve: \`${failure.file}\` not loaded${failure.keptPrevious ? " (the previous version stays in use)" : ""}: ${text}\n`);
      }
    }
    this.reported = next;
    for (const notice of registry.takeNotices()) log?.write(`heed serve: warning: ${notice}\n`);
    if (changed) log?.write(`heed serve: policies in use: ${registry.policies().map((p) => `${p.name} (${p.file})`).join(", ") || "none"}\n`);
    return changed;
  }

  /** Throws when a policy named by `require` is not loaded. */
  private requireRequired(): void {
    const { registry } = this;
    const missing = registry.missingRequired();
    if (missing.length === 0) return;
    const why = (name: string): string => {
      const failure = registry.errors().find((e) => e.file.replace(/\.heed(\.ya?ml)?$/, "") === name);
      return failure === undefined ? "no policy file declares it" : `see the errors of \`${failure.file}\``;
    };
    throw new Error(missing.map((name) => `required policy \`${name}\` is not loaded (${why(name)})`).join("; "));
  }

  // ---------------------------------------------------------------- endpoints

  private engineFor(name: unknown): { engine: Engine; members: LoadedPolicy[] } {
    const { registry } = this;
    if (name !== undefined && typeof name !== "string") throw new HttpError(400, "invalid-input", "`policy` must be the name of a loaded policy (or, for `/v1/evaluate`, `{ text }`)");
    const engine = registry.engine(name);
    if (engine) return { engine, members: registry.members(name) };
    if (name === undefined) throw new HttpError(503, "no-policy", "no policy is loaded: see `GET /v1/policies` for the files that failed");
    const names = registry.policies().map((p) => p.name);
    throw new HttpError(404, "unknown-policy", `unknown policy \`${name}\`${didYouMean(name, names)}`);
  }

  /**
   * Writes the decision's line to the decision log; resolves to its id. A
   * promise only when the log makes the answer wait (`block`, its stream
   * full): otherwise the id itself, with no turn of the microtask queue.
   */
  private logDecision(
    kind: string,
    members: readonly PolicyVersion[],
    inputs: unknown,
    decision: Decision,
    extra: Record<string, unknown>,
    decisionId: string = randomUUID(),
  ): string | Promise<string> {
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
    const written = this.decisionLog?.write(JSON.stringify(line));
    return written === undefined ? decisionId : written.then(() => decisionId);
  }

  /** Evaluates with a policy sent inline, in a worker and within the budget. */
  private async evaluateInline(source: Record<string, unknown>, input: Record<string, unknown>): Promise<{ decision: Decision; members: PolicyVersion[] }> {
    const text = source.text;
    if (typeof text !== "string") throw new HttpError(400, "invalid-input", "an inline `policy` needs `text`: the policy in the DSL or YAML form");
    const format = source.format;
    if (format !== undefined && format !== "dsl" && format !== "yaml") throw new HttpError(400, "invalid-input", `\`policy.format\` must be \`dsl\` or \`yaml\`, got \`${String(format)}\``);
    const outcome = await this.inline.evaluate({ key: contentHash(`${format ?? ""}\n${text}`), text, ...(format !== undefined ? { format } : {}), input });
    switch (outcome.kind) {
      case "decision":
        return { decision: outcome.decision, members: [{ name: outcome.name, hash: contentHash(text) }] };
      case "invalid-policy": {
        const first = outcome.diagnostics[0];
        const where = first?.span ? ` at line ${first.span.line}, column ${first.span.column}` : "";
        throw new HttpError(400, "invalid-policy", `the inline policy has errors; first${where}: ${first?.message ?? "no policy found"}`, {
          diagnostics: outcome.diagnostics.map(showDiagnostic),
        });
      }
      case "input-error":
        throw new HeedInputError(outcome.code, outcome.field, outcome.message, outcome.index);
      case "failed":
        this.log?.write(`heed serve: an inline policy could not be evaluated: ${outcome.message}\n`);
        throw new HttpError(422, "unsupported-policy", "the inline policy could not be evaluated: it makes the engine fail (the server's log has the detail)");
      case "budget-exceeded":
        throw new HttpError(
          422,
          "budget-exceeded",
          `the inline policy was not parsed, checked and evaluated within the budget of ${outcome.budgetMs} ms: refused (send a smaller policy, or load it from the policy folder)`,
        );
      case "busy":
        throw new HttpError(503, "busy", "too many inline policies are being evaluated: try again shortly", {}, { "retry-after": "1" });
    }
  }

  private async evaluate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req, this.limit);
    const input = { contact: body.contact, history: body.history ?? [], touch: body.touch, at: body.at };
    let decision: Decision;
    let members: PolicyVersion[];
    if (isRecord(body.policy)) {
      ({ decision, members } = await this.evaluateInline(body.policy, input));
    } else {
      const chosen = this.engineFor(body.policy);
      decision = chosen.engine.evaluate(input as unknown as EvaluateInput);
      members = chosen.members;
    }
    let decisionId = this.logDecision("evaluate", members, input, decision, {});
    if (typeof decisionId !== "string") decisionId = await decisionId;
    this.metrics.decision({ kind: "evaluate", verdict: decision.verdict, policy: isRecord(body.policy) ? "(inline)" : policyLabel(body.policy) });
    send(res, 200, { decisionId, decision });
  }

  private async attempt(contactId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req, this.limit);
    const { engine, members } = this.engineFor(body.policy);
    const gate = createGate({ engine, ...this.clockOptions });
    // The gate checks each of these and names the field when one is malformed.
    const options: AttemptOptions = { decisionId: randomUUID() };
    if (body.idempotencyKey !== undefined) options.idempotencyKey = body.idempotencyKey as string;
    if (body.contact !== undefined) options.contact = body.contact as Contact;
    const result = await gate.attempt(contactId, body.touch as ProposedTouch, body.at as string, options);
    const inputs = { contactId, touch: body.touch, at: body.at, contact: body.contact, idempotencyKey: body.idempotencyKey };
    // A replay answers with the first answer's id (a record stored before ids were kept gets this request's).
    const decisionId = result.decisionId ?? options.decisionId!;
    await this.logDecision("attempt", members, inputs, result.decision, { contactId, replayed: result.replayed }, decisionId);
    this.metrics.decision({ kind: "attempt", verdict: result.decision.verdict, policy: policyLabel(body.policy) });
    if (result.replayed) this.metrics.replay();
    send(res, 200, { decisionId, decision: result.decision, replayed: result.replayed, ...(result.eventId ? { eventId: result.eventId } : {}) });
  }

  private async events(contactId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req, this.limit);
    let result: AppendResult;
    if (Array.isArray(body.events)) {
      if (body.events.length === 0) throw new HttpError(400, "invalid-input", "`events` is empty");
      // The recorder checks each event and names the offending one (`events[2].at`).
      result = await this.recorder.recordAll(contactId, body.events as HistoryEvent[]);
    } else if (body.events !== undefined) {
      throw new HttpError(400, "invalid-input", "`events` must be a list of events");
    } else {
      const one = await this.recorder.record(contactId, body as unknown as HistoryEvent);
      result = one.recorded ? { added: [one.eventId], duplicates: [] } : { added: [], duplicates: [one.eventId] };
    }
    send(res, result.added.length > 0 ? 201 : 200, result);
  }

  /**
   * Where a contact stands at `?at=` (default: the clock's now) under the
   * loaded set or `?policy=NAME`: the stage and counters of each policy,
   * worked out from the stored history (stepped through the engine), its
   * last touches, and the snapshot the store keeps for it (`null` when
   * none is stored).
   */
  private async contactStanding(contactId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const query = new URL(req.url ?? "/", "http://localhost").searchParams;
    const { engine } = this.engineFor(query.get("policy") ?? undefined);
    const atText = query.get("at") ?? new Date(this.clock()).toISOString();
    const at = parseTime(atText, "at");
    const { record, history, snapshot } = await this.timedStore.withContact(contactId, async (tx) => ({
      record: await tx.contact(),
      history: await tx.history(),
      // the snapshot the gate keeps for this engine's policy version, else the generic one
      snapshot: (await tx.snapshotFor(snapshotVersion(engine)))?.snapshot ?? (await tx.snapshot()),
    }));
    if (record === undefined && history.length === 0 && snapshot === undefined) {
      throw new HttpError(404, "unknown-contact", `no contact \`${contactId}\` is stored: it has no record, no event and no snapshot`);
    }
    const contact = record ?? { id: contactId };
    const timed = history.map((event, index) => ({ event, ms: parseTime(event.at, "history.at", index), index }));
    const upTo = timed.filter((e) => e.ms <= at).sort((a, b) => a.ms - b.ms || a.index - b.index);
    let state = engine.start(contact, upTo[0]?.event.at ?? atText);
    for (const { event } of upTo) state = engine.step(state, event);
    const touches: StoredEvent[] = upTo.filter((e) => e.event.type === "touch").map((e) => e.event);
    send(res, 200, {
      contactId,
      at: new Date(at).toISOString(),
      contact: record ?? null,
      policies: engine.standing(state, atText).map((s) => ({
        name: s.policy,
        stage: s.stage,
        since: s.since,
        counters: { ignored: s.ignored, touches: s.touches, totalTouches: s.totalTouches },
      })),
      events: { stored: history.length, upToAt: upTo.length },
      lastTouches: touches.slice(-LAST_TOUCHES).reverse(),
      snapshot: snapshot === undefined ? null : describeSnapshot(snapshot, engine),
    });
  }

  private async showMetrics(res: ServerResponse): Promise<void> {
    const { text, contentType } = await this.metrics.render();
    if (res.headersSent) return;
    res.writeHead(200, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
    res.end(text);
  }

  /** Removes the expired idempotency records; resolves to how many. */
  async expireIdempotency(): Promise<number> {
    const removed = await this.timedStore.expireIdempotency(this.clock() - this.idempotencyTtl);
    if (removed > 0) this.metrics.expiredRecords(removed);
    return removed;
  }

  private policies(res: ServerResponse): void {
    const { registry } = this;
    send(res, 200, {
      policies: registry.policies().map((p) => ({
        name: p.name,
        file: p.file,
        hash: p.hash,
        loadedAt: p.loadedAt,
        ...(registry.isRequired(p.name) ? { required: true } : {}),
      })),
      errors: registry.errors().map((e) => ({ file: e.file, keptPrevious: e.keptPrevious, diagnostics: e.diagnostics.map(showDiagnostic) })),
      removed: registry.removed(),
    });
  }

  private health(res: ServerResponse): void {
    send(res, 200, {
      status: "ok",
      policies: this.registry.policies().length,
      store: this.store.kind,
      ...((this.decisionLog?.dropped ?? 0) > 0 ? { droppedDecisions: this.decisionLog?.dropped } : {}),
    });
  }

  // ---------------------------------------------------------------- requests

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const access = this.access;
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    const path = query === -1 ? url : url.slice(0, query);
    const found = this.routes.find(path);
    const answered = this.metrics.request(found?.route.name ?? "(other)", knownMethod(req.method));
    res.once("finish", () => answered(res.statusCode));
    try {
      checkHost(req, access);
      // The page's static files: GET only, nothing of the API, so no token. Before the Origin check: a
      // browser sends `Origin` with the page's own module scripts, and another origin's page cannot read
      // the answers (no CORS headers); the Host check above still keeps DNS rebinding out.
      if (this.playground(req, res)) return;
      if (req.headers.origin !== undefined) {
        const cors = checkOrigin(req, access);
        for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);
      }
      if (found === undefined) throw new HttpError(404, "not-found", `no such endpoint \`${path.slice(0, 200)}\``);
      const { route, match } = found;
      const allowed = route.allowed;
      if (req.method === "OPTIONS" && req.headers.origin !== undefined) {
        res.writeHead(204, { ...preflightHeaders(), allow: allowed });
        res.end();
        return;
      }
      const handler = route.methods[req.method ?? "GET"];
      if (!handler) throw new HttpError(405, "method-not-allowed", `\`${req.method}\` is not allowed on \`${path}\` (allowed: ${allowed})`, {}, { allow: allowed });
      if (path !== "/healthz") checkToken(req, access);
      if (req.method === "POST") checkContentType(req);
      await handler(match, req, res);
    } catch (error) {
      this.answerError(res, req, error);
    }
  }

  private answerError(res: ServerResponse, req: IncomingMessage, error: unknown): void {
    // A body left unread (a refusal before reading it, or one too large) is not read on: the connection closes.
    const unread = !req.complete;
    if (unread) req.resume();
    const closing: Record<string, string> = unread ? { connection: "close" } : {};
    if (error instanceof HttpError) {
      send(res, error.status, { error: { code: error.code, message: error.message, ...error.extra } }, { ...error.headers, ...closing });
      return;
    }
    if (error instanceof HeedInputError) {
      const status = error.code === "out-of-order" ? 409 : 400;
      send(res, status, { error: { code: error.code, message: error.message, field: error.field, ...(error.index !== undefined ? { index: error.index } : {}) } }, closing);
      return;
    }
    this.log?.write(`heed serve: internal error on ${req.method} ${(req.url ?? "").slice(0, 200)}: ${(error as Error)?.message ?? String(error)}\n`);
    send(res, 500, { error: { code: "internal", message: "internal error: the request could not be answered" } }, closing);
  }

  // ---------------------------------------------------------------- listening

  /** Listens, starts the reloads (a debounced watch and a poll) and the reports of dropped decision lines. */
  async listen(): Promise<RunningServer> {
    const { options, log, registry, store, decisionLog } = this;
    const server = this.httpServer();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
          server.off("error", reject);
          resolve();
        });
      });
    } catch (error) {
      if (this.ownsStore) await store.close();
      throw error;
    }
    const address = server.address() as AddressInfo;
    this.access.port = address.port;
    const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
    const url = `http://${shownHost}:${address.port}`;

    const reloads = new Reloads(options, registry, () => this.reload(), log);

    // Lines dropped from the decision log are reported, at most every ten seconds and at the end.
    let droppedReported = 0;
    const reportDrops = (): void => {
      const dropped = decisionLog?.dropped ?? 0;
      if (dropped === droppedReported) return;
      log?.write(`heed serve: warning: the decision log is not keeping up (is its output read?): ${dropped - droppedReported} decision lines dropped, ${dropped} in all\n`);
      droppedReported = dropped;
    };
    const dropReporter = setInterval(reportDrops, 10_000);
    dropReporter.unref();

    // Expired idempotency records are removed every minute (by default); a failure is logged once until one succeeds.
    let sweepFailed = false;
    const sweepMs = options.idempotencySweepMs ?? 60_000;
    const sweeper =
      sweepMs > 0
        ? setInterval(() => {
            this.expireIdempotency().then(
              () => (sweepFailed = false),
              (error: Error) => {
                if (!sweepFailed) log?.write(`heed serve: cannot remove expired idempotency records: ${error.message}\n`);
                sweepFailed = true;
              },
            );
          }, sweepMs)
        : undefined;
    sweeper?.unref();

    let closed: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closed ??= (async () => {
        reloads.stop();
        clearInterval(dropReporter);
        if (sweeper) clearInterval(sweeper);
        const stopped = new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          // Requests still running after a grace period are cut off.
          setTimeout(() => server.closeAllConnections(), 5000).unref();
        });
        // Inline policies still being evaluated are answered busy, and their workers ended.
        await this.inline.close();
        await stopped;
        await registry.idle(); // let a reload in flight finish before the store goes
        if (this.ownsStore) await store.close();
        reportDrops();
      })();
      return closed;
    };

    const policyNames = (): string[] => registry.policies().map((p) => p.name);
    return {
      url,
      policyNames,
      store,
      reload: () => this.reload(),
      close,
      droppedDecisions: () => decisionLog?.dropped ?? 0,
      expireIdempotency: () => this.expireIdempotency(),
    };
  }

  /** The HTTP server, its timeouts, and the answers to requests that are not HTTP. */
  private httpServer(): Server {
    const requestTimeout = this.options.requestTimeoutMs ?? 30_000;
    // Requests past their time are looked for every second (Node's default is every 30 s).
    const server = createServer({ connectionsCheckingInterval: Math.min(1000, requestTimeout) }, (req, res) => void this.handle(req, res));
    // A client that trickles its request cannot hold a connection for long.
    server.requestTimeout = requestTimeout;
    server.headersTimeout = Math.min(10_000, server.requestTimeout);
    server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) {
        socket.destroy();
        return;
      }
      const [status, code, message] =
        error.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? ["408 Request Timeout", "request-timeout", `the request did not arrive within ${requestTimeout} ms`]
          : error.code === "HPE_HEADER_OVERFLOW"
            ? ["431 Request Header Fields Too Large", "headers-too-large", "the request's headers are too large"]
            : ["400 Bad Request", "malformed-request", "the request is not valid HTTP"];
      const body = `${JSON.stringify({ error: { code, message } })}\n`;
      socket.end(`HTTP/1.1 ${status}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    });
    return server;
  }
}

/** Reloads of the policies: a debounced `fs.watch`, and polling for file systems where watching is unreliable. */
class Reloads {
  private debounce: NodeJS.Timeout | undefined;
  private readonly watcher: FSWatcher | undefined;
  private readonly poller: NodeJS.Timeout | undefined;

  constructor(
    options: ServerOptions,
    registry: PolicyRegistry,
    private readonly reload: () => Promise<boolean>,
    private readonly log: LineSink | undefined,
  ) {
    let watcher: FSWatcher | undefined;
    if (options.watch !== false) {
      try {
        const single = !statSync(options.policies).isDirectory();
        // Only changes to policy files: another file written all the time in the folder (a decision log)
        // would put off the reload, debounced, for as long as it is written.
        watcher = watch(options.policies, (_event, name) => {
          if (single || name === null || isPolicyFileName(String(name))) this.schedule();
        });
        watcher.on("error", () => watcher?.close());
      } catch {
        watcher = undefined; // polling still notices changes
      }
    }
    this.watcher = watcher;
    let fingerprint = registry.fingerprint();
    const pollMs = options.pollInterval ?? 1000;
    this.poller =
      pollMs > 0
        ? setInterval(() => {
            const next = registry.fingerprint();
            if (next !== fingerprint) {
              fingerprint = next;
              this.schedule();
            }
          }, pollMs)
        : undefined;
    this.poller?.unref();
  }

  private schedule(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      // A reload that throws is counted by the service's reload().
      this.reload().catch((error: Error) => this.log?.write(`heed serve: reload failed: ${error.message}\n`));
    }, WATCH_DEBOUNCE_MS);
    this.debounce.unref();
  }

  stop(): void {
    this.watcher?.close();
    if (this.poller) clearInterval(this.poller);
    if (this.debounce) clearTimeout(this.debounce);
  }
}

/** The `policy` label of a decision: the name asked for, or `(all)` for the loaded set. */
function policyLabel(name: unknown): string {
  return typeof name === "string" ? name : "(all)";
}

/** A request's method as a metrics label: the methods the service knows, others as `(other)` (a label per made-up method would grow without bound). */
function knownMethod(method: string | undefined): string {
  return method === "GET" || method === "POST" || method === "OPTIONS" || method === "HEAD" ? method : "(other)";
}

/** The stored snapshot as `GET /v1/contacts/{id}` shows it: its format, the policy versions it was built under, and whether it is current for the engine in use. */
function describeSnapshot(snapshot: Snapshot, engine: Engine): { format: unknown; policies: unknown[]; current: boolean } {
  let current = true;
  try {
    engine.restore(snapshot);
  } catch (error) {
    if (!(error instanceof HeedInputError)) throw error;
    current = false;
  }
  return { format: snapshot.format, policies: Array.isArray(snapshot.policies) ? snapshot.policies : [], current };
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

/**
 * `heed serve PATH [options]`: runs the HTTP decision service until SIGINT
 * or SIGTERM; SIGHUP reloads the policies. `heed serve --help` lists the
 * options.
 *
 * @module
 */

import { closeSync, existsSync, openSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { escapeLines } from "../report/terminal.js";
import { describeOptions, HELP_OPTION, type OptionSpec } from "../cli/args.js";
import { DEFAULT_STORE_FOLDER, isPostgresUrl } from "../store/index.js";
import { RotatingFile, type Backpressure, type LineSink } from "./decision-log.js";
import { isLoopback } from "./security.js";
import { startServer } from "./server.js";

/** The streams and environment the command runs with. */
export interface ServeIo {
  stdout: LineSink;
  stderr: LineSink;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Resolves when the service should stop (default: SIGINT or SIGTERM). */
  stopSignal?: Promise<unknown>;
  /** Told the URL once the service listens (for tests). */
  onListening?: (url: string) => void;
  /** Ends the process when a shutdown overruns its deadline or a second signal comes (default `process.exit`). */
  forceExit?: (code: number) => void;
}

/** How long a shutdown may take before the process is ended anyway. */
const SHUTDOWN_DEADLINE_MS = 10_000;

const USAGE = "usage: heed serve PATH [options]";

/** One option of `heed serve`: as the other verbs declare theirs, and whether it may be repeated. */
type ServeOption = OptionSpec & { repeatable?: boolean };

const OPTIONS: readonly ServeOption[] = [
  { name: "port", type: "string", value: "P", description: "the port to listen on (default 8080, or HEED_PORT; 0: any free port)" },
  { name: "host", type: "string", value: "H", description: "the address to listen on (default 127.0.0.1; beyond loopback needs --token-file)" },
  {
    name: "store",
    type: "string",
    value: "S",
    description: "memory, a folder for PGlite (one process per folder), or a postgres:// URL (default .heed/store, or HEED_STORE)",
  },
  {
    name: "no-migrate",
    type: "flag",
    description: "do not migrate the store's schema at start, only check it is up to date (run `heed migrate` first): the service then needs only data rights",
  },
  {
    name: "idempotency-ttl",
    type: "string",
    value: "SPAN",
    description: "how long an idempotency key answers retries: seconds, or 90s, 30m, 24h, 7d (default 24h); older records are removed",
  },
  { name: "token-file", type: "string", value: "FILE", description: "require `Authorization: Bearer TOKEN` on every endpoint but /healthz, TOKEN being the file's first line" },
  {
    name: "allow-origin",
    type: "string",
    value: "ORIGIN",
    repeatable: true,
    description: "let web pages of ORIGIN (https://app.example.com) call the service (repeatable); other origins are refused",
  },
  { name: "decision-log", type: "string", value: "FILE", description: "append one JSON line per decision to FILE (default: stdout)" },
  { name: "decision-log-max-bytes", type: "string", value: "N", description: "rotate FILE when it would grow past N bytes: FILE.1, FILE.2, ... (default: no rotation)" },
  { name: "decision-log-keep", type: "string", value: "K", description: "rotated files kept (default 5)" },
  {
    name: "decision-log-backpressure",
    type: "string",
    value: "drop|block",
    description: "when the log is not written as fast as decisions come (stdout not read): drop lines and count them (default), or make answers wait",
  },
  {
    name: "require",
    type: "string",
    value: "NAME",
    repeatable: true,
    description: "a policy that must never leave the set (repeatable): missing at start, the server does not start",
  },
  { name: "inline-budget", type: "string", value: "MS", description: "how long a policy sent inline may take to be parsed, checked and evaluated (default 1000); 422 past it" },
  { name: "future-tolerance", type: "string", value: "SECONDS", description: "how far past the clock events and attempts may be dated (default 300)" },
  { name: "signal-skew", type: "string", value: "SECONDS", description: "how far after an attempt's at a recorded signal still counts for it (default 60)" },
];

const HELP = [
  "heed serve PATH [options]",
  "",
  "serve decisions over HTTP",
  "",
  "Options:",
  describeOptions([...OPTIONS, HELP_OPTION]),
  "",
  "Serves decisions from the policies of the folder PATH (every *.heed and *.heed.yaml; or one",
  "policy file), reloading them when their files change and on SIGHUP; stops on SIGINT or SIGTERM.",
  "",
  "Endpoints (JSON; see docs/adapters.md):",
  "  POST /v1/evaluate                 {contact, history, touch, at, policy?}: a decision, stateless",
  "  POST /v1/contacts/ID/attempts     {touch, at, idempotencyKey?, contact?, policy?}: through the send gate",
  "  POST /v1/contacts/ID/events       an event, or {events: [...]}: recorded, deduped by type and id",
  "  GET  /v1/contacts/ID[?at=&policy=]  stage and counters per policy, last touches, stored snapshot",
  "  GET  /v1/policies                 the policies in use and the files that failed to load",
  "  GET  /metrics                     Prometheus metrics: decisions, latencies, store time, reload errors",
  "  GET  /healthz                     liveness (never needs the token)",
  "  GET  /                            the playground, with the served policies read-only",
  "",
  "The store's schema is migrated at start unless --no-migrate; `heed migrate --store S` applies",
  "(or with --print shows) the migrations separately, as a role that may change tables.",
  "",
  "Listening beyond loopback (--host 0.0.0.0) needs --token-file; bound to loopback, requests must",
  "name localhost or 127.0.0.1 in Host (DNS rebinding). POST bodies must be application/json; a",
  "request with an Origin header is refused unless --allow-origin allows it. At most 1 MiB of",
  "decision lines wait in memory for the log: past that they are dropped and counted (warnings on",
  "stderr, droppedDecisions in /healthz), or with --decision-log-backpressure block answers wait.",
  "",
  "Environment: HEED_PORT and HEED_STORE stand for --port and --store when those are not given.",
  "",
  "Exit codes: 0 after a clean shutdown, 1 when the service cannot start (port in use, store",
  "unreachable or not migrated, a required policy missing), 2 usage errors.",
].join("\n");

interface ServeArgs {
  path: string;
  port: number;
  host: string;
  store: string;
  migrate: boolean;
  idempotencyTtl: number | undefined;
  decisionLog: string | undefined;
  decisionLogMaxBytes: number | undefined;
  decisionLogKeep: number | undefined;
  backpressure: Backpressure | undefined;
  tokenFile: string | undefined;
  allowOrigins: string[];
  require: string[];
  futureTolerance: number | undefined;
  signalSkew: number | undefined;
  inlineBudget: number | undefined;
}

class UsageError extends Error {}

function seconds(values: Map<string, string[]>, name: string): number | undefined {
  const text = values.get(name)?.at(-1);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text) * 1000)) throw new UsageError(`\`${name}\` must be a whole number of seconds, got \`${text}\``);
  return Number(text) * 1000;
}

function whole(values: Map<string, string[]>, name: string, min: number): number | undefined {
  const text = values.get(name)?.at(-1);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < min) throw new UsageError(`\`${name}\` must be a whole number of at least ${min}, got \`${text}\``);
  return Number(text);
}

/** `SPAN`: whole seconds, or a whole number with the unit s, m, h or d; in ms. */
function span(values: Map<string, string[]>, name: string): number | undefined {
  const text = values.get(name)?.at(-1);
  if (text === undefined) return undefined;
  const match = /^(\d+)([smhd]?)$/.exec(text);
  const unit = { "": 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match?.[2] ?? ""] ?? 1000;
  const ms = match === null ? NaN : Number(match[1]) * unit;
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new UsageError(`\`${name}\` must be a span such as \`86400\`, \`90s\`, \`30m\`, \`24h\` or \`7d\`, got \`${text}\``);
  return ms;
}

function parseArgs(args: readonly string[], env: Record<string, string | undefined>): ServeArgs | "help" {
  const positional: string[] = [];
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--help" || arg === "-h") return "help";
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq >= 0 ? arg.slice(0, eq) : arg;
      const option = OPTIONS.find((o) => `--${o.name}` === name);
      if (option === undefined) throw new UsageError(`unknown option \`${name}\``);
      if (option.type === "flag") {
        if (eq >= 0) throw new UsageError(`option \`${name}\` takes no value`);
        flags.add(name);
        continue;
      }
      const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined || value === "") throw new UsageError(`option \`${name}\` needs a value`);
      values.set(name, option.repeatable === true ? [...(values.get(name) ?? []), value] : [value]);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 1) throw new UsageError(positional.length === 0 ? "missing the policy folder" : `expected one policy folder, got ${positional.length}`);
  const one = (name: string): string | undefined => values.get(name)?.at(-1);
  const portText = one("--port") ?? env.HEED_PORT ?? "8080";
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new UsageError(`\`--port\` must be a port number from 0 to 65535, got \`${portText}\``);
  return {
    path: positional[0]!,
    port,
    host: one("--host") ?? "127.0.0.1",
    store: one("--store") ?? env.HEED_STORE ?? DEFAULT_STORE_FOLDER,
    migrate: !flags.has("--no-migrate"),
    idempotencyTtl: span(values, "--idempotency-ttl"),
    decisionLog: one("--decision-log"),
    decisionLogMaxBytes: whole(values, "--decision-log-max-bytes", 1),
    decisionLogKeep: whole(values, "--decision-log-keep", 1),
    backpressure: backpressureOf(one("--decision-log-backpressure")),
    tokenFile: one("--token-file"),
    allowOrigins: (values.get("--allow-origin") ?? []).map(originOf),
    require: values.get("--require") ?? [],
    futureTolerance: seconds(values, "--future-tolerance"),
    signalSkew: seconds(values, "--signal-skew"),
    inlineBudget: whole(values, "--inline-budget", 1),
  };
}

function backpressureOf(text: string | undefined): Backpressure | undefined {
  if (text === undefined || text === "drop" || text === "block") return text;
  throw new UsageError(`\`--decision-log-backpressure\` must be \`drop\` or \`block\`, got \`${text}\``);
}

/** An origin as browsers send it: scheme, host and port when not the default, no path. */
function originOf(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`\`--allow-origin\` must be an origin such as \`https://app.example.com\`, got \`${text}\``);
  }
  if (url.origin === "null" || url.pathname.length > 1 || url.search !== "" || url.hash !== "") {
    throw new UsageError(`\`--allow-origin\` must be an origin such as \`https://app.example.com\` (no path), got \`${text}\``);
  }
  return url.origin;
}

/** The token of `--token-file`: its first line, trimmed. */
function readToken(file: string, io: ServeIo): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`cannot read the token file \`${file}\`: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const token = (text.split(/\r?\n/)[0] ?? "").trim();
  if (token === "") throw new Error(`the token file \`${file}\` is empty`);
  if (token.length < 16) io.stderr.write(`heed serve: warning: the token in \`${file}\` is ${token.length} characters long: use at least 32 random ones\n`);
  if ((statSync(file).mode & 0o077) !== 0) io.stderr.write(`heed serve: warning: the token file \`${file}\` can be read by other users (chmod 600 it)\n`);
  return token;
}

function signals(): { stopped: Promise<string>; onHup(fn: () => void): void; onSecond(fn: (name: string) => void): void; dispose(): void } {
  let stop!: (name: string) => void;
  let stopping = false;
  let second: ((name: string) => void) | undefined;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const received = (name: string): void => {
    if (stopping) second?.(name);
    stopping = true;
    stop(name);
  };
  const onInt = (): void => received("SIGINT");
  const onTerm = (): void => received("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  const hups: (() => void)[] = [];
  const onHupSignal = (): void => hups.forEach((fn) => fn());
  process.on("SIGHUP", onHupSignal);
  return {
    stopped,
    onHup: (fn) => hups.push(fn),
    onSecond: (fn) => (second = fn),
    dispose: () => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      process.off("SIGHUP", onHupSignal);
    },
  };
}

/** Runs `heed serve`; resolves to the exit code once the service has stopped. */
export async function runServe(args: string[], given: ServeIo): Promise<number> {
  // What is written to stderr names files, options and policies: their control characters are shown escaped.
  const io: ServeIo = { ...given, stderr: { write: (chunk: string) => given.stderr.write(escapeLines(chunk)) } };
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  let parsed: ServeArgs | "help";
  try {
    parsed = parseArgs(args, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`heed serve: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (parsed === "help") {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  const policies = resolve(cwd, parsed.path);
  if (!existsSync(policies)) {
    io.stderr.write(`heed serve: path \`${parsed.path}\` not found\n`);
    return 2;
  }
  if (!isLoopback(parsed.host) && parsed.tokenFile === undefined) {
    io.stderr.write(
      `heed serve: listening on \`${parsed.host}\` reaches beyond this machine and needs \`--token-file\`: without a token every endpoint would be open to the network\n${USAGE}\n`,
    );
    return 2;
  }
  let token: string | undefined;
  if (parsed.tokenFile !== undefined) {
    try {
      token = readToken(resolve(cwd, parsed.tokenFile), io);
    } catch (error) {
      io.stderr.write(`heed serve: cannot start: ${(error as Error).message}\n`);
      return 1;
    }
  }
  if (!isLoopback(parsed.host)) {
    io.stderr.write(`heed serve: warning: listening on \`${parsed.host}\`, beyond loopback: every request but /healthz needs the token, which travels in clear without TLS in front\n`);
  }
  const store = parsed.store === "memory" || isPostgresUrl(parsed.store) ? parsed.store : resolve(cwd, parsed.store);
  let logFile: RotatingFile | undefined;
  if (parsed.decisionLog !== undefined) {
    const file = parsed.decisionLog;
    try {
      closeSync(openSync(resolve(cwd, file), "a"));
    } catch (error) {
      io.stderr.write(`heed serve: cannot write the decision log \`${file}\`: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
      return 1;
    }
    logFile = new RotatingFile(resolve(cwd, file), {
      ...(parsed.decisionLogMaxBytes !== undefined ? { maxBytes: parsed.decisionLogMaxBytes } : {}),
      ...(parsed.decisionLogKeep !== undefined ? { keep: parsed.decisionLogKeep } : {}),
      onError: (error) => io.stderr.write(`heed serve: cannot write the decision log \`${file}\`: ${error.code ?? error.message}\n`),
    });
  } else if (parsed.decisionLogMaxBytes !== undefined) {
    io.stderr.write(`heed serve: \`--decision-log-max-bytes\` needs \`--decision-log FILE\`: stdout is not rotated\n${USAGE}\n`);
    return 2;
  }

  const sig = signals();
  try {
    let server;
    try {
      server = await startServer({
        policies,
        port: parsed.port,
        host: parsed.host,
        store,
        migrate: parsed.migrate,
        ...(parsed.idempotencyTtl !== undefined ? { idempotencyTtl: parsed.idempotencyTtl } : {}),
        decisionLog: logFile ?? io.stdout,
        log: io.stderr,
        require: parsed.require,
        allowOrigins: parsed.allowOrigins,
        ...(token !== undefined ? { token } : {}),
        ...(parsed.backpressure !== undefined ? { decisionLogBackpressure: parsed.backpressure } : {}),
        ...(parsed.futureTolerance !== undefined ? { futureTolerance: parsed.futureTolerance } : {}),
        ...(parsed.signalSkew !== undefined ? { signalSkew: parsed.signalSkew } : {}),
        ...(parsed.inlineBudget !== undefined ? { inlineBudgetMs: parsed.inlineBudget } : {}),
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === "EADDRINUSE" ? `port ${parsed.port} on ${parsed.host} is already in use` : (error as Error).message;
      io.stderr.write(`heed serve: cannot start: ${reason}\n`);
      return 1;
    }
    sig.onHup(() => {
      io.stderr.write("heed serve: SIGHUP: reloading policies\n");
      server.reload().catch((error: Error) => io.stderr.write(`heed serve: reload failed: ${error.message}\n`));
    });
    const count = server.policyNames().length;
    io.stderr.write(`heed serve: listening on ${server.url} (${count} ${count === 1 ? "policy" : "policies"}, ${server.store.kind} store)\n`);
    io.onListening?.(server.url);
    const why = await Promise.race([sig.stopped, io.stopSignal ?? new Promise<never>(() => undefined)]);
    io.stderr.write(`heed serve: ${typeof why === "string" ? why : "stop"}: shutting down\n`);
    // A shutdown always ends: past the deadline, or at a second signal, the process is ended.
    const forceExit = io.forceExit ?? ((code: number) => process.exit(code));
    sig.onSecond((name) => {
      io.stderr.write(`heed serve: ${name} again: stopping now\n`);
      forceExit(1);
    });
    const deadline = setTimeout(() => {
      io.stderr.write(`heed serve: the shutdown took longer than ${SHUTDOWN_DEADLINE_MS / 1000} s: stopping now\n`);
      forceExit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    try {
      await server.close();
    } finally {
      clearTimeout(deadline);
    }
    return 0;
  } finally {
    sig.dispose();
    if (logFile) await logFile.end();
  }
}

/**
 * `heed serve PATH [options]`: runs the HTTP decision service until SIGINT
 * or SIGTERM; SIGHUP reloads the policies. `heed serve --help` lists the
 * options.
 *
 * @module
 */

import { closeSync, createWriteStream, existsSync, openSync, type WriteStream } from "node:fs";
import { resolve } from "node:path";
import { DEFAULT_STORE_FOLDER } from "../store/index.js";
import { startServer, type LineSink } from "./server.js";

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
}

const USAGE = "usage: heed serve PATH [options]";

/** One option of `heed serve`: its name, its value's placeholder, whether it may be repeated, its help. */
interface ServeOption {
  name: string;
  value: string;
  repeatable?: boolean;
  help: string;
}

const OPTIONS: readonly ServeOption[] = [
  { name: "--port", value: "P", help: "the port to listen on (default 8080, or HEED_PORT; 0: any free port)" },
  { name: "--host", value: "H", help: "the address to listen on (default 127.0.0.1)" },
  { name: "--store", value: "S", help: "memory, a folder for PGlite (one process per folder), or a postgres:// URL (default .heed/store, or HEED_STORE)" },
  { name: "--decision-log", value: "FILE", help: "append one JSON line per decision to FILE (default: stdout)" },
  { name: "--require", value: "NAME", repeatable: true, help: "a policy that must never leave the set (repeatable): missing at start, the server does not start" },
  { name: "--future-tolerance", value: "SECONDS", help: "how far past the clock events and attempts may be dated (default 300)" },
  { name: "--signal-skew", value: "SECONDS", help: "how far after an attempt's at a recorded signal still counts for it (default 60)" },
];

const HELP = [
  USAGE,
  "",
  "Serves decisions over HTTP from the policies of the folder PATH (or one policy file),",
  "reloading them when their files change and on SIGHUP; stops on SIGINT or SIGTERM.",
  "",
  "Options:",
  ...OPTIONS.map((o) => `  ${`${o.name} ${o.value}`.padEnd(26)}  ${o.help}`),
  `  ${"-h, --help".padEnd(26)}  show this help`,
  "",
  "Exit codes: 0 after a clean shutdown, 1 when the service cannot start, 2 usage errors.",
].join("\n");

interface ServeArgs {
  path: string;
  port: number;
  host: string;
  store: string;
  decisionLog: string | undefined;
  require: string[];
  futureTolerance: number | undefined;
  signalSkew: number | undefined;
}

class UsageError extends Error {}

function seconds(values: Map<string, string[]>, name: string): number | undefined {
  const text = values.get(name)?.at(-1);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text) * 1000)) throw new UsageError(`\`${name}\` must be a whole number of seconds, got \`${text}\``);
  return Number(text) * 1000;
}

function parseArgs(args: readonly string[], env: Record<string, string | undefined>): ServeArgs | "help" {
  const positional: string[] = [];
  const values = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--help" || arg === "-h") return "help";
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq >= 0 ? arg.slice(0, eq) : arg;
      const option = OPTIONS.find((o) => o.name === name);
      if (option === undefined) throw new UsageError(`unknown option \`${name}\``);
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
    decisionLog: one("--decision-log"),
    require: values.get("--require") ?? [],
    futureTolerance: seconds(values, "--future-tolerance"),
    signalSkew: seconds(values, "--signal-skew"),
  };
}

function signals(): { stopped: Promise<string>; onHup(fn: () => void): void; dispose(): void } {
  let stop!: (name: string) => void;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const onInt = (): void => stop("SIGINT");
  const onTerm = (): void => stop("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  const hups: (() => void)[] = [];
  const onHupSignal = (): void => hups.forEach((fn) => fn());
  process.on("SIGHUP", onHupSignal);
  return {
    stopped,
    onHup: (fn) => hups.push(fn),
    dispose: () => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      process.off("SIGHUP", onHupSignal);
    },
  };
}

/** Runs `heed serve`; resolves to the exit code once the service has stopped. */
export async function runServe(args: string[], io: ServeIo): Promise<number> {
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
  const store = parsed.store === "memory" || /^postgres(ql)?:\/\//.test(parsed.store) ? parsed.store : resolve(cwd, parsed.store);
  let logFile: WriteStream | undefined;
  if (parsed.decisionLog !== undefined) {
    const file = parsed.decisionLog;
    try {
      closeSync(openSync(resolve(cwd, file), "a"));
    } catch (error) {
      io.stderr.write(`heed serve: cannot write the decision log \`${file}\`: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
      return 1;
    }
    logFile = createWriteStream(resolve(cwd, file), { flags: "a" });
    logFile.on("error", (error: NodeJS.ErrnoException) => io.stderr.write(`heed serve: cannot write the decision log \`${file}\`: ${error.code ?? error.message}\n`));
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
        decisionLog: logFile ?? io.stdout,
        log: io.stderr,
        require: parsed.require,
        ...(parsed.futureTolerance !== undefined ? { futureTolerance: parsed.futureTolerance } : {}),
        ...(parsed.signalSkew !== undefined ? { signalSkew: parsed.signalSkew } : {}),
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
    await server.close();
    return 0;
  } finally {
    sig.dispose();
    if (logFile) await new Promise<void>((resolve) => logFile.end(() => resolve()));
  }
}

/**
 * `heed serve PATH [--port P] [--host H] [--store memory|FOLDER|postgres://...] [--decision-log FILE]`:
 * runs the HTTP decision service until SIGINT or SIGTERM; SIGHUP reloads
 * the policies.
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

const USAGE = "usage: heed serve PATH [--port P] [--host H] [--store memory|FOLDER|postgres://...] [--decision-log FILE]";

interface ServeArgs {
  path: string;
  port: number;
  host: string;
  store: string;
  decisionLog: string | undefined;
}

class UsageError extends Error {}

function parseArgs(args: readonly string[], env: Record<string, string | undefined>): ServeArgs | "help" {
  const positional: string[] = [];
  const values: Record<string, string> = {};
  const known = ["--port", "--host", "--store", "--decision-log"];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--help" || arg === "-h") return "help";
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq >= 0 ? arg.slice(0, eq) : arg;
      if (!known.includes(name)) throw new UsageError(`unknown option \`${name}\``);
      const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined || value === "") throw new UsageError(`option \`${name}\` needs a value`);
      values[name] = value;
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 1) throw new UsageError(positional.length === 0 ? "missing the policy folder" : `expected one policy folder, got ${positional.length}`);
  const portText = values["--port"] ?? env.HEED_PORT ?? "8080";
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new UsageError(`\`--port\` must be a port number from 0 to 65535, got \`${portText}\``);
  return {
    path: positional[0]!,
    port,
    host: values["--host"] ?? "127.0.0.1",
    store: values["--store"] ?? env.HEED_STORE ?? DEFAULT_STORE_FOLDER,
    decisionLog: values["--decision-log"],
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
    io.stdout.write(`${USAGE}\n`);
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
      server = await startServer({ policies, port: parsed.port, host: parsed.host, store, decisionLog: logFile ?? io.stdout, log: io.stderr });
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

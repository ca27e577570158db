/**
 * The streams and environment a command runs with. `main` takes them as an
 * argument so the CLI can be driven from tests without a child process.
 *
 * @module
 */

/** A stream the CLI writes to. */
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** What `main` may be handed; every field but the two streams is optional. */
export interface CliIoInput {
  stdout: OutStream;
  stderr: OutStream;
  stdin?: NodeJS.ReadableStream;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Overrides the streams' own `isTTY` (both streams). */
  isTTY?: boolean;
}

/** The resolved environment every verb receives. */
export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  stdin: NodeJS.ReadableStream | undefined;
  env: Record<string, string | undefined>;
  cwd: string;
  /** True when stdout is a terminal. */
  stdoutTTY: boolean;
  /** True when stderr is a terminal. */
  stderrTTY: boolean;
  /** The `--root` the user gave: what `github` and `sarif` paths are relative to. */
  reportRoot?: string;
}

/** Fills in the defaults of {@link CliIoInput} from the process. */
export function resolveIo(input: CliIoInput | undefined): CliIo {
  const stdout = input?.stdout ?? process.stdout;
  const stderr = input?.stderr ?? process.stderr;
  return {
    stdout,
    stderr,
    stdin: input === undefined ? process.stdin : input.stdin,
    env: input?.env ?? process.env,
    cwd: input?.cwd ?? process.cwd(),
    stdoutTTY: input?.isTTY ?? stdout.isTTY === true,
    stderrTTY: input?.isTTY ?? stderr.isTTY === true,
  };
}

/** ANSI colour is used only on a terminal and when `NO_COLOR` is unset or empty. */
export function useColor(io: CliIo, stream: "stdout" | "stderr"): boolean {
  const noColor = io.env["NO_COLOR"];
  if (noColor !== undefined && noColor !== "") return false;
  return stream === "stdout" ? io.stdoutTTY : io.stderrTTY;
}

/** Writes a line (adds the newline). */
export function println(stream: OutStream, line = ""): void {
  stream.write(`${line}\n`);
}

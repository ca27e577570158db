/**
 * Where `heed serve` writes its decision lines, with bounded memory.
 *
 * A stream nobody reads (stdout piped to a process that does not read it)
 * buffers every write in memory: the log must not grow the server without
 * bound. {@link DecisionLog} holds at most {@link DecisionLogOptions.maxPending}
 * bytes waiting to be written; past that it either drops lines and counts
 * them (`drop`, the default: decisions go on) or makes each request wait
 * until the stream has drained (`block`: no line is lost, answers wait).
 *
 * {@link RotatingFile} is a log file rotated by size: `FILE` is renamed
 * `FILE.1` (and `FILE.1` `FILE.2`, ...) when the next line would take it
 * past the limit.
 *
 * @module
 */

import { createWriteStream, openSync, renameSync, rmSync, statSync, type WriteStream } from "node:fs";

/** A stream lines are written to: a test's collector, stdout, a file stream. */
export interface LineSink {
  /** Writes a chunk of text (whole lines, each ending with a newline); a stream returns false when its buffer is full. */
  write(chunk: string): unknown;
  /** Bytes written but not yet flushed, for streams that buffer. */
  readonly writableLength?: number;
  /** Streams that buffer say when the buffer has emptied. */
  once?(event: "drain", listener: () => void): unknown;
}

/** What to do when the log's stream does not keep up. */
export type Backpressure = "drop" | "block";

/** Options of {@link DecisionLog}. */
export interface DecisionLogOptions {
  /** `drop` (default) or `block`. */
  backpressure?: Backpressure;
  /** The most bytes left waiting in the stream before lines are dropped or requests wait (default 1 MiB). */
  maxPending?: number;
}

/** Default {@link DecisionLogOptions.maxPending}: 1 MiB. */
export const DEFAULT_MAX_PENDING = 1024 * 1024;

/** A decision log over a sink, with a bound on what it holds in memory. */
export class DecisionLog {
  /** Lines dropped since the start because the stream was not keeping up. */
  dropped = 0;
  private readonly backpressure: Backpressure;
  private readonly maxPending: number;
  private draining: Promise<void> | undefined;

  constructor(
    private readonly sink: LineSink,
    options: DecisionLogOptions = {},
  ) {
    this.backpressure = options.backpressure ?? "drop";
    this.maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
  }

  private full(): boolean {
    return (this.sink.writableLength ?? 0) >= this.maxPending;
  }

  /**
   * Resolves once the stream has drained, or after a short wait (a sink
   * that does not say when, or buffers behind the current stream, is
   * looked at again).
   */
  private drained(): Promise<void> {
    this.draining ??= new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.draining = undefined;
        resolve();
      };
      const timer = setTimeout(done, 100);
      this.sink.once?.("drain", done);
    });
    return this.draining;
  }

  /**
   * Writes one line (without its newline). With `drop`, writes it at once,
   * or drops it when the stream is full, and returns nothing; with `block`
   * and a full stream, returns a promise that resolves once the line is
   * handed to the stream, after the stream has drained. A line written at
   * once makes no promise: a busy service writes one per request.
   */
  write(line: string): Promise<void> | undefined {
    if (this.full()) {
      if (this.backpressure === "drop") {
        this.dropped++;
        return undefined;
      }
      return this.writeDrained(line);
    }
    this.sink.write(`${line}\n`);
    return undefined;
  }

  private async writeDrained(line: string): Promise<void> {
    while (this.full()) await this.drained();
    this.sink.write(`${line}\n`);
  }
}

/** Options of {@link RotatingFile}. */
export interface RotationOptions {
  /** Rotate when the file would grow past this many bytes (no rotation without it). */
  maxBytes?: number;
  /** How many rotated files to keep (`FILE.1` ... `FILE.N`, default 5). */
  keep?: number;
  /** Told about write errors (a full disk), once per error code. */
  onError?: (error: NodeJS.ErrnoException) => void;
}

/** How long a decision line may wait to be written with those that follow it, in ms. */
const FLUSH_MS = 5;
/** The most bytes of lines waiting before they are written at once. */
const FLUSH_BYTES = 64 * 1024;

/**
 * A log file appended to, rotated by size. Lines written in one turn of the
 * event loop go to the file in one write, at the end of the turn: a busy
 * service writes a decision line per request, and a write to a file is a
 * round trip through the thread pool.
 */
export class RotatingFile implements LineSink {
  private stream: WriteStream;
  private size: number;
  /** Chunks written in this turn of the event loop, not yet handed to the stream. */
  private batch: string[] = [];
  private batchBytes = 0;
  private flushing: NodeJS.Timeout | undefined;
  /** Streams of rotated files still flushing into their (renamed) files. */
  private closing = new Set<WriteStream>();
  private readonly reported = new Set<string>();

  constructor(
    readonly path: string,
    private readonly options: RotationOptions = {},
  ) {
    this.size = sizeOf(path);
    this.stream = this.open();
  }

  get writableLength(): number {
    let pending = this.stream.writableLength + this.batchBytes;
    for (const stream of this.closing) pending += stream.writableLength;
    return pending;
  }

  once(event: "drain", listener: () => void): this {
    this.stream.once(event, listener);
    return this;
  }

  write(chunk: string): boolean {
    const bytes = Buffer.byteLength(chunk);
    const max = this.options.maxBytes;
    if (max !== undefined && this.size > 0 && this.size + bytes > max) this.rotate();
    this.size += bytes;
    this.batch.push(chunk);
    this.batchBytes += bytes;
    if (this.batchBytes >= FLUSH_BYTES) this.flush();
    else this.flushing ??= setTimeout(() => this.flush(), FLUSH_MS);
    return this.stream.writableLength + this.batchBytes < this.stream.writableHighWaterMark;
  }

  /** Hands the lines of this turn to the file's stream. */
  private flush(): void {
    if (this.flushing) clearTimeout(this.flushing);
    this.flushing = undefined;
    if (this.batch.length === 0) return;
    const text = this.batch.length === 1 ? this.batch[0]! : this.batch.join("");
    this.batch = [];
    this.batchBytes = 0;
    this.stream.write(text);
  }

  /** Flushes and closes the file. */
  end(): Promise<void> {
    this.flush();
    const all = [...this.closing, this.stream].map((stream) => new Promise<void>((resolve) => stream.end(() => resolve())));
    return Promise.all(all).then(() => undefined);
  }

  private open(): WriteStream {
    // Opened at once, not on the stream's first tick: a rotation that follows quickly must find the file
    // to rename, and the stream must write to the descriptor of the file it was opened for.
    let fd: number;
    try {
      fd = openSync(this.path, "a");
    } catch (error) {
      const stream = createWriteStream(this.path, { flags: "a" });
      stream.on("error", () => undefined);
      this.report(error as NodeJS.ErrnoException);
      return stream;
    }
    const stream = createWriteStream(this.path, { fd, flags: "a" });
    stream.on("error", (error: NodeJS.ErrnoException) => this.report(error));
    return stream;
  }

  /** Reports an error once per kind. */
  private report(error: NodeJS.ErrnoException): void {
    const code = error.code ?? error.message;
    if (this.reported.has(code)) return;
    this.reported.add(code);
    this.options.onError?.(error);
  }

  private rotate(): void {
    const keep = Math.max(1, this.options.keep ?? 5);
    this.flush(); // the lines before the rotation belong to the file being rotated
    const old = this.stream;
    this.closing.add(old);
    // What is still buffered goes on into the renamed file: the stream writes to its descriptor, not its name.
    old.end(() => this.closing.delete(old));
    try {
      rmSync(`${this.path}.${keep}`, { force: true });
      for (let i = keep - 1; i >= 1; i--) {
        try {
          renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        }
      }
      renameSync(this.path, `${this.path}.1`);
    } catch (error) {
      this.options.onError?.(error as NodeJS.ErrnoException);
    }
    this.size = sizeOf(this.path);
    this.stream = this.open();
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

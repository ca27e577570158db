/**
 * Reading requests and writing answers for the HTTP service: bodies with a
 * size limit, JSON with a depth limit, errors as `{"error": {...}}`.
 *
 * @module
 */

import type { IncomingMessage, ServerResponse } from "node:http";

/** An error answered with a status and a plain message. */
export class HttpError extends Error {
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

/**
 * The deepest nesting a request body may have. Deeper JSON parses (slowly),
 * but overflows the stack of whatever walks it recursively afterwards
 * (`JSON.stringify`, hashing, cloning): a 200,000-deep attribute answered
 * 500 before this limit.
 */
export const MAX_BODY_DEPTH = 100;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads a request's body as text, refusing one over `limit` bytes with 413. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
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
      // Most bodies arrive in one chunk: decoded as it is, without a copy into a new buffer.
      resolve((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)).toString("utf8"));
    });
    // A client that goes away mid-body (or is cut off for trickling it) gets no answer; nothing about it is an internal error.
    const cutOff = (): void => {
      if (done) return;
      done = true;
      reject(new HttpError(400, "incomplete-body", "the request was cut off before its body arrived whole"));
    };
    req.on("error", cutOff);
    req.on("close", () => {
      if (!req.complete) cutOff();
    });
  });
}

/** A JSON key as a path segment: `.name`, or `["odd key"]`. */
function segment(key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/**
 * The path of the first object or list nested deeper than `max` in a JSON
 * text (`contact.attributes.a[0][0]...`), or undefined; found by scanning
 * the text, before it is parsed. Parsing a 200,000-deep body takes the
 * runtime 100 to 200 ms, during which the server answers nothing else; the
 * scan takes about a millisecond per MiB. On text that is not JSON the
 * answer means nothing, and parsing reports the error.
 */
export function tooDeep(text: string, max: number): string | undefined {
  // Nesting deeper than `max` needs more than `max` `{` or `[` in the text: most bodies have fewer,
  // counted by the runtime's search faster than a scan. A scan of depth alone (no keys kept) clears
  // most others; only a body that goes too deep is scanned again for the path to name.
  if (fewerOpenings(text, max)) return undefined;
  return deepest(text) > max ? pathTooDeep(text, max) : undefined;
}

/** Whether `text` has at most `max` characters `{` and `[` (in strings or not). */
function fewerOpenings(text: string, max: number): boolean {
  let count = 0;
  for (const opening of ["{", "["]) {
    for (let i = text.indexOf(opening); i !== -1; i = text.indexOf(opening, i + 1)) {
      if (++count > max) return false;
    }
  }
  return true;
}

/** The deepest nesting of objects and lists in a JSON text, strings skipped. */
function deepest(text: string): number {
  let depth = 0;
  let most = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > most) most = depth;
    } else if ((c === 0x7d || c === 0x5d) && depth > 0) {
      depth--;
    }
  }
  return most;
}

/** The path of the first object or list nested deeper than `max` (see {@link tooDeep}). */
function pathTooDeep(text: string, max: number): string | undefined {
  const frames: { list: boolean; key: string; index: number }[] = [];
  let lastString = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: find its end, skipping escapes; keep it in case it is a key.
      const start = i;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
      lastString = i - start < 200 ? text.slice(start, i + 1) : "";
    } else if (c === 0x7b || c === 0x5b) {
      if (frames.length >= max) {
        const path = frames.map((f) => (f.list ? `[${f.index}]` : segment(f.key))).join("");
        return path.startsWith(".") ? path.slice(1) : path;
      }
      frames.push({ list: c === 0x5b, key: "", index: 0 });
    } else if (c === 0x7d || c === 0x5d) {
      frames.pop();
    } else if (c === 0x3a) {
      const frame = frames[frames.length - 1];
      if (frame !== undefined && !frame.list) {
        try {
          frame.key = JSON.parse(lastString) as string;
        } catch {
          frame.key = "?";
        }
      }
    } else if (c === 0x2c) {
      const frame = frames[frames.length - 1];
      if (frame?.list === true) frame.index++;
    }
  }
  return undefined;
}

/** Reads a JSON object body: 400 when it is empty, malformed, not an object or nested too deep. */
export async function readJson(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const text = await readBody(req, limit);
  if (text.trim() === "") throw new HttpError(400, "malformed-json", "the request body is empty: expected a JSON object");
  const deep = tooDeep(text, MAX_BODY_DEPTH);
  if (deep !== undefined) {
    const shown = deep.length > 80 ? `${deep.slice(0, 80)}…` : deep;
    throw new HttpError(400, "too-deep", `\`${shown}\` is nested more than ${MAX_BODY_DEPTH} levels deep: the request body may nest at most ${MAX_BODY_DEPTH}`, {
      field: shown,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, "malformed-json", `the request body is not valid JSON: ${(error as Error).message.replace(/\.$/, "")}`);
  }
  if (!isRecord(value)) throw new HttpError(400, "invalid-input", "the request body must be a JSON object");
  return value;
}

/** Answers with a JSON body (unless an answer has already been sent). */
export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

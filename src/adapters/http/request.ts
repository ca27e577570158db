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
 * The deepest nesting a request body may have. Deeper JSON parses, but
 * overflows the stack of whatever walks it recursively afterwards
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
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", (error) => {
      if (done) return;
      done = true;
      reject(error);
    });
  });
}

/**
 * The path of the first value nested deeper than `max` (`history[0].x[0][0]...`),
 * or undefined. Walks without recursion.
 */
export function tooDeep(value: unknown, max: number): string | undefined {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value, path: "", depth: 0 }];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const current = item.value;
    if (typeof current !== "object" || current === null) continue;
    if (item.depth >= max) return item.path;
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) pending.push({ value: current[i], path: `${item.path}[${i}]`, depth: item.depth + 1 });
    } else {
      const keys = Object.keys(current);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        const name = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
        pending.push({ value: (current as Record<string, unknown>)[key], path: item.path === "" ? name : `${item.path}.${name}`, depth: item.depth + 1 });
      }
    }
  }
  return undefined;
}

/** Reads a JSON object body: 400 when it is empty, malformed, not an object or nested too deep. */
export async function readJson(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const text = await readBody(req, limit);
  if (text.trim() === "") throw new HttpError(400, "malformed-json", "the request body is empty: expected a JSON object");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, "malformed-json", `the request body is not valid JSON: ${(error as Error).message.replace(/\.$/, "")}`);
  }
  if (!isRecord(value)) throw new HttpError(400, "invalid-input", "the request body must be a JSON object");
  const deep = tooDeep(value, MAX_BODY_DEPTH);
  if (deep !== undefined) {
    const shown = deep.length > 80 ? `${deep.slice(0, 80)}…` : deep;
    throw new HttpError(400, "too-deep", `\`${shown}\` is nested more than ${MAX_BODY_DEPTH} levels deep: the request body may nest at most ${MAX_BODY_DEPTH}`, {
      field: shown,
    });
  }
  return value;
}

/** Answers with a JSON body (unless an answer has already been sent). */
export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

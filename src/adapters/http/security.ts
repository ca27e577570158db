/**
 * Who may talk to `heed serve`, checked before a request is read:
 *
 * - **Host**: bound to loopback, the service answers only requests whose
 *   `Host` names loopback (`localhost`, `127.0.0.1`, `[::1]`, with its
 *   port). A web page whose domain an attacker points at 127.0.0.1 (DNS
 *   rebinding) sends its own name, and is refused.
 * - **Origin**: a request carrying an `Origin` header comes from a web
 *   page; it is refused unless that origin is allowed (`--allow-origin`),
 *   so no page open in a browser on the machine can record events or burn
 *   caps. Allowed origins get CORS answers, preflight included.
 * - **Token**: with a token, every endpoint but `/healthz` needs
 *   `Authorization: Bearer TOKEN`, compared in constant time.
 * - **Content type**: a POST must say `application/json` (a page's form
 *   posts, which need no preflight, cannot).
 *
 * @module
 */

import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { HttpError } from "./request.js";

/** True for an address that only this machine reaches. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** What a request is checked against. */
export interface AccessPolicy {
  /** The port the service listens on (for `Host`). */
  port: number;
  /** True when bound to loopback: `Host` is checked. */
  loopback: boolean;
  /** Origins allowed to call, exactly as browsers send them (`https://app.example.com`). */
  allowOrigins: readonly string[];
  /** The token's sha256, when a token is required. */
  tokenDigest: Buffer | undefined;
}

/** The sha256 a token is compared by (equal lengths, so the comparison can be constant-time). */
export function tokenDigest(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** Refuses a `Host` that does not name loopback, when bound to loopback. */
export function checkHost(req: IncomingMessage, access: AccessPolicy): void {
  if (!access.loopback) return;
  const host = req.headers.host;
  if (host === undefined) return; // HTTP/1.0 clients send none; browsers always do
  if (host === `127.0.0.1:${access.port}` || host === `localhost:${access.port}`) return; // the usual ones, without a pattern
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(host.trim());
  const name = match?.[1] ?? "";
  const port = match?.[2];
  if (match !== null && isLoopback(name) && (port === undefined || Number(port) === access.port)) return;
  throw new HttpError(421, "unknown-host", `the service is bound to loopback and answers requests for \`localhost\` or \`127.0.0.1\` only, not \`${host.slice(0, 100)}\``);
}

/**
 * The CORS headers for an allowed origin (none without an `Origin`);
 * refuses an origin that is not allowed.
 */
export function checkOrigin(req: IncomingMessage, access: AccessPolicy): Record<string, string> {
  const origin = req.headers.origin;
  if (origin === undefined) return {};
  if (!access.allowOrigins.includes(origin)) {
    throw new HttpError(403, "forbidden-origin", `requests from web pages are refused unless their origin is allowed (\`--allow-origin\`): \`${origin.slice(0, 200)}\` is not`);
  }
  return { "access-control-allow-origin": origin, vary: "Origin" };
}

/** The answer to a CORS preflight from an allowed origin. */
export function preflightHeaders(): Record<string, string> {
  return {
    "access-control-allow-methods": "GET, POST",
    "access-control-allow-headers": "authorization, content-type",
    "access-control-max-age": "600",
  };
}

/** Refuses a request without the bearer token, when one is required. */
export function checkToken(req: IncomingMessage, access: AccessPolicy): void {
  if (access.tokenDigest === undefined) return;
  const header = req.headers.authorization;
  const challenge = { "www-authenticate": 'Bearer realm="heed"' };
  const match = header === undefined ? null : /^Bearer[ ]+(.+)$/i.exec(header.trim());
  if (match === null) {
    throw new HttpError(401, "unauthorized", "this endpoint needs the service's token: `Authorization: Bearer TOKEN`", {}, challenge);
  }
  if (!timingSafeEqual(tokenDigest(match[1]!), access.tokenDigest)) {
    throw new HttpError(401, "unauthorized", "the bearer token is not the service's token", {}, challenge);
  }
}

/** Refuses a POST whose body is not said to be JSON (or not UTF-8). */
export function checkContentType(req: IncomingMessage): void {
  const type = req.headers["content-type"];
  if (type === "application/json") return; // what nearly every client sends, checked without splitting it
  const [media, ...params] = (type ?? "").split(";").map((part) => part.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith("charset="))?.slice("charset=".length).replace(/^"|"$/g, "");
  if (media === "application/json" && (charset === undefined || charset === "utf-8" || charset === "utf8")) return;
  const given = type === undefined ? "none" : `\`${type.slice(0, 100)}\``;
  throw new HttpError(415, "unsupported-media-type", `the request body must be JSON sent as \`content-type: application/json\` (UTF-8), got ${given}`);
}

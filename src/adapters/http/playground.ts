/**
 * The playground's static files over HTTP: the page built into `dist/web/`
 * (`npm run build`), answered to `GET` and `HEAD` only, with the policies
 * it should open written into the page itself. `heed serve` answers it at
 * `/` with the served policies (read-only in the page); `heed playground`
 * with local files. The page never calls the API: everything it shows is
 * computed in the browser.
 *
 * @module
 */

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { basename, dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Policy } from "../../ast.js";
import { formatPolicy } from "../../parser/format.js";
import { printYaml } from "../../parser/yaml-print.js";
import { contentHash } from "./policies.js";

/** A file the page is handed: a policy or a policy test file. */
export interface PageFile {
  /** The file name shown in the page. */
  file: string;
  text: string;
}

/** What the page opens with. */
export interface PageContent {
  /** `serve`: the policies of a running service, shown read-only; `local`: the files `heed playground` was given. */
  mode: "serve" | "local";
  policies: PageFile[];
  /** Test files whose cases the workbench can load. */
  tests?: PageFile[];
}

/** Options of {@link playgroundHandler}. */
export interface PlaygroundOptions {
  /** The built page (default: `dist/web/` of this package). */
  root?: string;
  /** The policies to put in the page, read at each request for it. */
  content?: () => PageContent;
}

/** Answers a request when it is for the playground; returns false to let other routes have it. */
export type PlaygroundHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/**
 * The page may load its own files only: no request of it can leave the
 * server it came from. Mermaid writes inline styles into its SVG, hence
 * `'unsafe-inline'` for styles (never for scripts); the YAML form's schema
 * validator (ajv) is compiled to a function when first used, hence
 * `'unsafe-eval'`.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const SERVED_MARK = "<!--heed:served-->";

/** Where `npm run build` puts the page: `dist/web/`, found from this module in `dist/` or in `src/`. */
export function defaultPlaygroundRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, "..", "..", "web"), resolve(here, "..", "..", "..", "dist", "web")];
  return candidates.find((dir) => existsSync(join(dir, "index.html"))) ?? (candidates[0] as string);
}

/** The page's files, as `/path` to the file on disk, listed once (the build never changes under a running server). */
function listFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string, prefix: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
      else files.set(`${prefix}${name}`, path);
    }
  };
  walk(root, "/");
  return files;
}

/** JSON safe inside a `<script>` element: `<` never appears as itself. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** The handler of the playground's static files. */
export function playgroundHandler(options: PlaygroundOptions = {}): PlaygroundHandler {
  const root = normalize(options.root ?? defaultPlaygroundRoot());
  const files = listFiles(root);
  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    let path: string;
    try {
      path = decodeURIComponent((req.url ?? "/").split(/[?#]/)[0] ?? "/");
    } catch {
      return false;
    }
    if (path === "/" || path === "/index.html") {
      const index = files.get("/index.html");
      if (index === undefined) {
        answer(req, res, 503, "text/plain; charset=utf-8", "the playground is not built: run `npm run build`\n", "no-store");
        return true;
      }
      let html = readFileSync(index, "utf8");
      const content = options.content?.();
      if (content !== undefined) html = html.replace(SERVED_MARK, `<script type="application/json" id="heed-served">${scriptJson(content)}</script>`);
      answer(req, res, 200, TYPES[".html"] as string, html, "no-cache");
      return true;
    }
    const file = files.get(path);
    if (file === undefined || !resolve(file).startsWith(root + sep)) return false;
    const type = TYPES[extname(file)] ?? "application/octet-stream";
    // chunk names carry a hash of their content
    const cache = path.startsWith("/chunks/") ? "public, max-age=31536000, immutable" : "no-cache";
    answer(req, res, 200, type, readFileSync(file), cache);
    return true;
  };
}

function answer(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: string | Buffer, cache: string): void {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  res.writeHead(status, {
    "content-type": type,
    "content-length": bytes.length,
    "cache-control": cache,
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  });
  res.end(req.method === "HEAD" ? undefined : bytes);
}

/** A served policy's text: the file as loaded, or, when the file changed since, the version in use printed from its AST. */
export function servedText(path: string, hash: string, policy: Policy): string {
  try {
    const text = readFileSync(path, "utf8");
    if (contentHash(text) === hash) return text;
  } catch {
    // gone since it was loaded: print the version in use
  }
  const yaml = /\.ya?ml$/.test(path);
  const note = "# the file changed since it was loaded; this is the version in use\n";
  return note + (yaml ? printYaml(policy) : formatPolicy(policy));
}

/** The page content of `heed serve`: the policies in use, by file, with the test files beside them. */
export function servedContent(folder: string, loaded: readonly { file: string; hash: string; policy: Policy }[]): PageContent {
  const dir = existsSync(folder) && statSync(folder).isDirectory() ? folder : dirname(folder);
  return {
    mode: "serve",
    policies: loaded.map((p) => ({ file: p.file, text: servedText(join(dir, basename(p.file)), p.hash, p.policy) })),
    tests: testFiles(dir),
  };
}

/** The policy test files of a folder (not searched below), for the workbench's cases. */
export function testFiles(dir: string): PageFile[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /\.test\.ya?ml$/.test(n)).sort();
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    try {
      return [{ file: name, text: readFileSync(join(dir, name), "utf8") }];
    } catch {
      return [];
    }
  });
}

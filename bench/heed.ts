/**
 * Loads Heed for the benchmark: from `dist/` as built by `npm run build` (the
 * code users run) when it is at least as new as every file of `src/`, else
 * straight from `src/` through tsx, with a note (tsx keeps function names
 * with a helper call per closure created, which slows closure-heavy code).
 * Either part may be missing while the project is being built; the
 * benchmark then says so and runs the peers alone.
 *
 * @module
 */

import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

import type { Policy } from "../src/ast.js";
import type { Diagnostic } from "../src/diagnostics.js";
import type { Engine } from "../src/engine/api.js";

export interface HeedApi {
  parsePolicy?: (text: string, options?: { file?: string }) => { policy: Policy | undefined; diagnostics: Diagnostic[] };
  compile(policy: Policy): Engine;
  analyzePolicy?: (policy: Policy) => Diagnostic[];
  diffPolicies?: (a: Policy, b: Policy, options?: Record<string, unknown>) => unknown;
}

/** What loaded, and why the rest did not. */
export interface HeedLoad {
  api: HeedApi | undefined;
  missing: string[];
  /** Where Heed was loaded from, and why. */
  source: string;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** `../dist/` when the build is fresh, else `../src/`. */
function chooseBase(): { base: string; source: string } {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const built = `${root}dist/engine/index.js`;
  if (!existsSync(built)) return { base: "../src/", source: "src/ through tsx (no build in dist/; `npm run bench` builds first)" };
  if (statSync(built).mtimeMs < newestMtime(`${root}src`)) {
    return { base: "../src/", source: "src/ through tsx (dist/ is older than src/; `npm run bench` builds first)" };
  }
  return { base: "../dist/", source: "dist/ (built by tsc)" };
}

async function tryImport(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(path)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ERR_MODULE_NOT_FOUND") return undefined;
    throw error;
  }
}

export async function loadHeed(): Promise<HeedLoad> {
  const missing: string[] = [];
  const { base, source } = chooseBase();
  let parser = await tryImport(`${base}parser/index.js`);
  // until the public parser entry exists, the DSL front end alone will do
  if (typeof parser?.parsePolicy !== "function") {
    const dsl = await tryImport(`${base}parser/dsl.js`);
    if (typeof dsl?.parseDsl === "function") parser = { parsePolicy: dsl.parseDsl };
  }
  const engine = await tryImport(`${base}engine/index.js`);
  const analysis = await tryImport(`${base}analysis/index.js`);
  if (typeof parser?.parsePolicy !== "function") missing.push("parsePolicy (src/parser/index.ts)");
  if (typeof engine?.compile !== "function") missing.push("compile (src/engine/index.ts)");
  if (typeof engine?.compile !== "function") return { api: undefined, missing, source };
  const api: HeedApi = { compile: engine.compile as HeedApi["compile"] };
  if (typeof parser?.parsePolicy === "function") api.parsePolicy = parser.parsePolicy as HeedApi["parsePolicy"];
  if (typeof analysis?.analyzePolicy === "function") api.analyzePolicy = analysis.analyzePolicy as HeedApi["analyzePolicy"];
  else missing.push("analyzePolicy");
  if (typeof analysis?.diffPolicies === "function") api.diffPolicies = analysis.diffPolicies as HeedApi["diffPolicies"];
  else missing.push("diffPolicies");
  return { api, missing, source };
}

/**
 * Loads Heed for the benchmark: the parser and the engine straight from
 * `src/` (transpiled on the fly by tsx, so the numbers are those of the code
 * in the working tree). Either part may be missing while the project is
 * being built; the benchmark then says so and runs the peers alone.
 *
 * @module
 */

import type { Policy } from "../src/ast.js";
import type { Diagnostic } from "../src/diagnostics.js";
import type { Engine } from "../src/engine/api.js";

export interface HeedApi {
  parsePolicy?: (text: string, options?: { file?: string }) => { policy: Policy | undefined; diagnostics: Diagnostic[] };
  compile(policy: Policy): Engine;
  validatePolicy?: (policy: Policy) => Diagnostic[];
  analyzePolicy?: (policy: Policy) => Diagnostic[];
  diffPolicies?: (a: Policy, b: Policy, options?: Record<string, unknown>) => unknown;
}

/** What loaded, and why the rest did not. */
export interface HeedLoad {
  api: HeedApi | undefined;
  missing: string[];
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
  let parser = await tryImport("../src/parser/index.js");
  // until the public parser entry exists, the DSL front end alone will do
  if (typeof parser?.parsePolicy !== "function") {
    const dsl = await tryImport("../src/parser/dsl.js");
    if (typeof dsl?.parseDsl === "function") parser = { parsePolicy: dsl.parseDsl };
  }
  const engine = await tryImport("../src/engine/index.js");
  const analysis = await tryImport("../src/engine/analysis/index.js");
  const validate = await tryImport("../src/engine/validate.js");
  if (typeof parser?.parsePolicy !== "function") missing.push("parsePolicy (src/parser/index.ts)");
  if (typeof engine?.compile !== "function") missing.push("compile (src/engine/index.ts)");
  if (typeof engine?.compile !== "function") return { api: undefined, missing };
  const api: HeedApi = { compile: engine.compile as HeedApi["compile"] };
  if (typeof parser?.parsePolicy === "function") api.parsePolicy = parser.parsePolicy as HeedApi["parsePolicy"];
  if (typeof validate?.validatePolicy === "function") api.validatePolicy = validate.validatePolicy as HeedApi["validatePolicy"];
  else missing.push("validatePolicy");
  if (typeof analysis?.analyzePolicy === "function") api.analyzePolicy = analysis.analyzePolicy as HeedApi["analyzePolicy"];
  else missing.push("analyzePolicy");
  if (typeof analysis?.diffPolicies === "function") api.diffPolicies = analysis.diffPolicies as HeedApi["diffPolicies"];
  else missing.push("diffPolicies");
  return { api, missing };
}

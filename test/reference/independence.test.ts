import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The reference interpreter is worth something only as a second reading of
 * the spec: it may use the primitives the engine stands on (time
 * arithmetic, the evaluation of a condition), never the engine's rule
 * code, and the package does not ship it.
 */
describe("the reference interpreter stays independent", () => {
  it("imports from src/engine only time.ts and conditions.ts", () => {
    const text = readFileSync(join(import.meta.dirname, "interpreter.ts"), "utf8");
    const engineImports = [...text.matchAll(/from\s+"([^"]*\/engine\/[^"]*)"/g)].map((m) => m[1]);
    expect(new Set(engineImports)).toEqual(new Set(["../../src/engine/conditions.js", "../../src/engine/time.js"]));
  });

  it("is not under src/, so the package does not ship it", () => {
    const tsconfig = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "tsconfig.build.json"), "utf8")) as { include?: string[] };
    expect(tsconfig.include?.every((p) => p.startsWith("src"))).toBe(true);
  });
});

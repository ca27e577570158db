import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runTestFiles } from "../src/adapters/policy-tests.js";

/** Every `examples/*.test.yaml` goes through the same runner as `heed test`: this proves the example policies behave. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const testFiles = readdirSync(join(ROOT, "examples"))
  .filter((name) => /\.test\.ya?ml$/.test(name))
  .sort()
  .map((name) => `examples/${name}`);

describe("the example policies", () => {
  it("have test files", () => {
    expect(testFiles.length).toBeGreaterThan(0);
  });

  for (const file of testFiles) {
    describe(file, () => {
      const run = runTestFiles([file], ROOT);
      const result = run.files[0]!;

      it("loads, with its policy free of errors", () => {
        expect(result.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.span?.file ?? ""}:${d.span?.line ?? 0}:${d.span?.column ?? 0} ${d.message}`)).toEqual([]);
        expect(result.cases.length).toBeGreaterThan(0);
      });

      for (const c of result.cases) {
        it(c.name, () => {
          expect(c.failures).toEqual([]);
        });
      }
    });
  }
});

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stripSpans } from "../../src/ast.js";
import { failureDiagnostics, runTestFiles } from "../../src/adapters/policy-tests.js";
import { parsePolicy } from "../../src/parser/index.js";

const root = join(import.meta.dirname, "..", "..");
const examples = join(root, "examples");
const yamlPolicies = readdirSync(examples).filter((f) => /\.heed\.ya?ml$/.test(f));
const testFiles = readdirSync(examples).filter((f) => /\.test\.ya?ml$/.test(f));

describe("YAML example policies", () => {
  it.each(yamlPolicies)("%s parses and validates without a diagnostic", (file) => {
    const { policy, diagnostics } = parsePolicy(readFileSync(join(examples, file), "utf8"), { file });
    expect(diagnostics).toEqual([]);
    expect(policy).toBeDefined();
  });

  it("inbound.heed.yaml is the same policy as inbound.heed", () => {
    const dsl = parsePolicy(readFileSync(join(examples, "inbound.heed"), "utf8"), { file: "inbound.heed" });
    const yaml = parsePolicy(readFileSync(join(examples, "inbound.heed.yaml"), "utf8"), { file: "inbound.heed.yaml" });
    expect(stripSpans(yaml.policy)).toEqual(stripSpans(dsl.policy));
  });

  it("every YAML policy has a test file", () => {
    const tested = new Set(
      testFiles.flatMap((f) => {
        const match = /^policy:\s*(\S+)/m.exec(readFileSync(join(examples, f), "utf8"));
        return match?.[1] === undefined ? [] : [match[1]];
      }),
    );
    expect(yamlPolicies.filter((p) => !tested.has(p))).toEqual([]);
  });

  it.each(testFiles)("the cases of %s pass", (file) => {
    const run = runTestFiles([join("examples", file)], root);
    const result = run.files[0]!;
    expect(result.diagnostics).toEqual([]);
    expect(result.cases.length).toBeGreaterThanOrEqual(4);
    expect(failureDiagnostics(run).map((d) => d.message)).toEqual([]);
  });
});

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stripSpans } from "../../src/ast.js";
import { compileIr } from "../../src/engine/compile.js";
import { compile } from "../../src/engine/index.js";
import { validatePolicy } from "../../src/checks/index.js";
import { parseDsl } from "../../src/parser/dsl.js";
import { formatPolicy } from "../../src/parser/format.js";
import { convertPolicy } from "../../src/parser/convert.js";
import { parsePolicy } from "../../src/parser/index.js";

const examples = join(import.meta.dirname, "..", "..", "examples");
const dslFiles = readdirSync(examples).filter((f) => f.endsWith(".heed"));
const pairs = readdirSync(examples)
  .filter((f) => f.endsWith(".heed.yaml"))
  .map((yaml) => [yaml.replace(/\.yaml$/, ""), yaml] as const)
  .filter(([dsl]) => existsSync(join(examples, dsl)));

describe("DSL examples", () => {
  it.each(dslFiles)("%s parses, validates, is canonically formatted and compiles", (file) => {
    const text = readFileSync(join(examples, file), "utf8");
    const { policy, diagnostics } = parseDsl(text, { file });
    expect(diagnostics).toEqual([]);
    expect(validatePolicy(policy!).filter((d) => d.severity === "error")).toEqual([]);
    expect(formatPolicy(policy!)).toBe(text);
    const engine = compile(policy!);
    const decision = engine.evaluate({
      contact: { id: "c1", timezone: "America/New_York" },
      history: [],
      touch: { channel: policy!.channels[0]!.name },
      at: "2026-03-02T15:00:00Z",
    });
    expect(["allow", "deny", "defer"]).toContain(decision.verdict);
  });
});

// Each `X.heed.yaml` with a `X.heed` twin: both forms must mean the same policy.
if (pairs.length > 0) describe("DSL and YAML twins", () => {
  it.each(pairs)("%s and %s compile to the same IR", (dslFile, yamlFile) => {
    const dsl = parseDsl(readFileSync(join(examples, dslFile), "utf8"), { file: dslFile });
    expect(dsl.diagnostics).toEqual([]);
    const yaml = parsePolicy(readFileSync(join(examples, yamlFile), "utf8"), { file: yamlFile });
    expect(yaml.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(stripSpans(yaml.policy)).toEqual(stripSpans(dsl.policy));
    expect(stripSpans(compileIr(yaml.policy!))).toEqual(stripSpans(compileIr(dsl.policy!)));
    // And the converter writes the DSL twin from the YAML; the twins' comments are worded apart.
    const converted = convertPolicy(readFileSync(join(examples, yamlFile), "utf8"), { file: yamlFile, to: "dsl" });
    const withoutComments = (text: string): string => text.replace(/^[ \t]*#.*\n/gm, "").replace(/ #.*$/gm, "");
    expect(withoutComments(converted.output!)).toBe(withoutComments(readFileSync(join(examples, dslFile), "utf8")));
  });
});

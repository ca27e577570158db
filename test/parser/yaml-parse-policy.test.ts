import { describe, expect, it } from "vitest";
import { detectFormat, parsePolicy } from "../../src/parser/index.js";

const dslText = '# a comment first\n\ncadence "p" {\n  channels email\n}\n';
const yamlText = "# yaml-language-server: $schema=../schema/heed-policy.schema.json\ncadence: p\nchannels: [email]\n";

describe("parsePolicy: which form", () => {
  it("by option first, then by file name, then by content", () => {
    expect(detectFormat(dslText, { format: "yaml", file: "p.heed" })).toBe("yaml");
    expect(detectFormat(yamlText, { file: "p.heed" })).toBe("dsl");
    expect(detectFormat(dslText, { file: "p.heed.yaml" })).toBe("yaml");
    expect(detectFormat(dslText, { file: "p.heed.yml" })).toBe("yaml");
    expect(detectFormat(dslText)).toBe("dsl");
    expect(detectFormat(yamlText)).toBe("yaml");
    expect(detectFormat(dslText, { file: "policy.txt" })).toBe("dsl");
  });

  it("by content, a DSL policy whose name is not quoted is still the DSL", () => {
    expect(detectFormat("cadence inbound-content {\n  channels email\n}\n")).toBe("dsl");
    expect(detectFormat("cadence: inbound-content\nchannels: [email]\n")).toBe("yaml");
    expect(detectFormat("cadence : inbound-content\n")).toBe("yaml");
    expect(parsePolicy("cadence p {\n  channels email\n}\n").diagnostics).toEqual([]);
  });

  it("both forms of one policy give the same policy", () => {
    const fromDsl = parsePolicy(dslText);
    const fromYaml = parsePolicy(yamlText);
    expect(fromDsl.diagnostics).toEqual([]);
    expect(fromYaml.diagnostics).toEqual([]);
    expect(fromYaml.policy?.name.value).toBe("p");
    expect(fromDsl.policy?.channels.map((c) => c.name)).toEqual(fromYaml.policy?.channels.map((c) => c.name));
  });
});

describe("parsePolicy: a byte-order mark and Windows line ends", () => {
  it("reads a policy saved with a BOM and CRLF the same as one without, positions included", () => {
    // an error on the first line (where a BOM would shift columns) and one further down
    const dsl = 'cadence "" {\n  channels email\n  start stage a {\n    after 2 touches move to nurtur\n  }\n}\n';
    const yaml = 'cadence: " "\nchannels: [email]\nstart: a\nstages:\n  a:\n    transitions:\n      - { after: 2 touches, moveTo: nurtur }\n';
    for (const [text, file] of [
      [dsl, "p.heed"],
      [yaml, "p.heed.yaml"],
    ] as const) {
      const plain = parsePolicy(text, { file });
      const windows = parsePolicy(`\uFEFF${text.replace(/\n/g, "\r\n")}`, { file });
      expect(plain.diagnostics.map((d) => [d.code, d.span?.line, d.span?.column])).toEqual([
        ["empty-name", 1, file.endsWith(".yaml") ? 10 : 9],
        ["unknown-stage", file.endsWith(".yaml") ? 7 : 4, file.endsWith(".yaml") ? 37 : 29],
      ]);
      const where = (r: typeof plain) => r.diagnostics.map((d) => [d.message, d.span?.line, d.span?.column]);
      expect(where(windows)).toEqual(where(plain));
    }
    expect(parsePolicy('\uFEFFcadence "p" {\n  channels email\n}\n').policy?.name.value).toBe("p");
  });
});

describe("parsePolicy: diagnostics", () => {
  it("validation runs on a YAML policy, which is still returned", () => {
    const text = "cadence: p\nchannels: [email]\nstart: a\nstages:\n  a:\n    transitions:\n      - { on: reply, moveTo: engagd }\n  engaged: {}\n";
    const { policy, diagnostics } = parsePolicy(text, { file: "p.heed.yaml" });
    expect(policy).toBeDefined();
    expect(diagnostics.map((d) => `${d.span?.file}:${d.span?.line}:${d.span?.column} ${d.code} ${d.message}`)).toEqual([
      "p.heed.yaml:7:30 unknown-stage unknown stage `engagd` (did you mean `engaged`?)",
    ]);
  });

  it("hints of validation speak YAML in a YAML policy", () => {
    const text = "cadence: p\nchannels: [email]\nstages:\n  a: {}\n  done: { final: true, allow: [email] }\n";
    const { diagnostics } = parsePolicy(text, { file: "p.heed.yaml" });
    expect(diagnostics.map((d) => `${d.span?.line}:${d.span?.column} ${d.message}; ${d.hint ?? ""}`)).toEqual([
      "4:3 no stage is marked `start`; mark the stage contacts begin in, such as `start: a`",
      "5:31 final stage `done` cannot allow channels; a final stage allows no touch; remove `allow` or `final: true`",
    ]);
  });

  it("a schema error leaves no policy", () => {
    const { policy, diagnostics } = parsePolicy("cadence: p\nchannels: [email]\nrules:\n  - { atMost: -1, of: email, per: day }\n", {
      file: "p.heed.yaml",
    });
    expect(policy).toBeUndefined();
    expect(diagnostics.map((d) => `${d.span?.line}:${d.span?.column} ${d.message}`)).toEqual([
      "4:15 `atMost` must be a whole number of at least 1",
    ]);
  });

  it("a DSL syntax error leaves no policy", () => {
    const { policy, diagnostics } = parsePolicy('cadence "p" {\n  channels email\n  nevr call when x == 1\n}\n', { file: "p.heed" });
    expect(policy).toBeUndefined();
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0]?.span?.line).toBe(3);
  });
});

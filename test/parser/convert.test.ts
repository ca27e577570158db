import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { convertPolicy } from "../../src/parser/convert.js";

describe("convertPolicy", () => {
  it("turns DSL into canonical DSL", () => {
    const result = convertPolicy('cadence "x" { channels email, call\n  at most 2 call per day start stage a { allow email } }', {
      file: "x.heed",
      to: "dsl",
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.output).toBe(
      'cadence "x" {\n  channels email, call\n\n  start stage a { allow email }\n\n  at most 2 calls per day\n}\n',
    );
  });

  it("gives no output and the diagnostics, with positions, for a broken policy", () => {
    const result = convertPolicy('cadence "x" {\n  channels email\n  nevr email when x == 1\n}', { file: "x.heed", to: "yaml" });
    expect(result.output).toBeUndefined();
    expect(result.diagnostics.map((d) => `${d.span?.file}:${d.span?.line}:${d.span?.column} ${d.message}`)).toEqual([
      "x.heed:3:3 unknown word `nevr` (did you mean `never`?)",
    ]);
  });

  it("turns the spec policy into YAML and back into the same DSL, its comment included", () => {
    const dsl = readFileSync(join(import.meta.dirname, "..", "..", "examples", "inbound.heed"), "utf8");
    const yaml = convertPolicy(dsl, { file: "inbound.heed", to: "yaml" });
    expect(yaml.diagnostics).toEqual([]);
    expect(yaml.output).toContain("cadence: inbound-content");
    expect(yaml.output).toContain("- { atMost: 1, of: call, per: day }");
    expect(yaml.output!.split("\n").slice(0, 3)).toEqual([
      "# yaml-language-server: $schema=../schema/heed-policy.schema.json",
      "# policies/inbound.heed",
      "cadence: inbound-content",
    ]);
    const back = convertPolicy(yaml.output!, { file: "inbound.heed.yaml", to: "dsl" });
    expect(back.diagnostics).toEqual([]);
    expect(back.output).toBe(dsl);
  });

  it("carries every comment of every example to YAML and back to the same DSL, byte for byte", () => {
    const examples = join(import.meta.dirname, "..", "..", "examples");
    const files = readdirSync(examples).filter((f) => f.endsWith(".heed"));
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const file of files) {
      const dsl = readFileSync(join(examples, file), "utf8");
      const yaml = convertPolicy(dsl, { file, to: "yaml" });
      expect(yaml.diagnostics, file).toEqual([]);
      for (const comment of dsl.match(/#.*$/gm) ?? []) expect(yaml.output, `${file}: ${comment}`).toContain(comment);
      const back = convertPolicy(yaml.output!, { file: `${file}.yaml`, to: "dsl" });
      expect(back.output, file).toBe(dsl);
    }
  });

  it("places a comment before the item it leads or at the end of the line it trails, in YAML", () => {
    const dsl = [
      "# header",
      'cadence "c" { # after the name',
      "  channels email, call # the channels",
      "",
      "  # before a stage",
      "  start stage a {",
      "    allow email # trailing allow",
      "    # lead rule",
      "    at most 1 email per day # trail rule",
      "    after 2 touches move to b",
      "  }",
      "",
      "  stage b { allow call } # trail b",
      "",
      "  on reply move to b",
      "",
      "  never call when contact.x == 1 # trail never",
      "}",
      "# after everything",
      "",
    ].join("\n");
    const yaml = convertPolicy(dsl, { file: "c.heed", to: "yaml" });
    expect(yaml.output).toBe(
      [
        "# yaml-language-server: $schema=../schema/heed-policy.schema.json",
        "# header",
        "cadence: c # after the name",
        "channels: [email, call] # the channels",
        "start: a",
        "stages:",
        "  # before a stage",
        "  a:",
        "    allow: [email] # trailing allow",
        "    rules:",
        "      # lead rule",
        "      - { atMost: 1, of: email, per: day } # trail rule",
        "    transitions:",
        "      - { after: 2 touches, moveTo: b }",
        "  b: { allow: [call] } # trail b",
        "transitions:",
        "  - { on: reply, moveTo: b }",
        "rules:",
        "  - { never: call, when: 'contact.x == 1' } # trail never",
        "# after everything",
        "",
      ].join("\n"),
    );
    expect(convertPolicy(yaml.output!, { file: "c.heed.yaml", to: "dsl" }).output).toBe(dsl);
  });

  it("keeps a YAML policy's comments in the DSL, the editor's schema line aside", () => {
    const yaml = [
      "# yaml-language-server: $schema=../schema/heed-policy.schema.json",
      "# owned by revops",
      "cadence: y",
      "channels: [email] # only email for now",
      "rules:",
      "  # the weekly limit",
      "  - { atMost: 2, of: email, per: week }",
      "",
    ].join("\n");
    expect(convertPolicy(yaml, { file: "y.heed.yaml", to: "dsl" }).output).toBe(
      ['# owned by revops', 'cadence "y" {', "  channels email # only email for now", "", "  # the weekly limit", "  at most 2 emails per week", "}", ""].join("\n"),
    );
  });

  it("reports YAML errors at their place in the YAML file", () => {
    const yaml = "cadence: x\nchannels: [email]\nstart: a\nstages:\n  a:\n    rules:\n      - { never: email, within: 4 hrs, of: reply }\n";
    const result = convertPolicy(yaml, { file: "x.heed.yaml", to: "dsl" });
    expect(result.output).toBeUndefined();
    expect(result.diagnostics.map((d) => `${d.span?.file}:${d.span?.line}:${d.span?.column} ${d.message}`)).toEqual([
      "x.heed.yaml:7:35 unknown duration unit `hrs` (write `hours`)",
    ]);
  });

  it("refuses, with a reason, a YAML stage that allows no channel: the DSL cannot write it", () => {
    const yaml = "cadence: x\nchannels: [email]\nstart: a\nstages:\n  a: { allow: [] }\n";
    const result = convertPolicy(yaml, { file: "x.heed.yaml", to: "dsl" });
    expect(result.output).toBeUndefined();
    expect(result.diagnostics.map((d) => `${d.span?.line}:${d.span?.column} ${d.message}`)).toEqual([
      "5:15 stage `a` allows no channel, which the DSL cannot write (list the channels it allows, or make it a `final` stage)",
    ]);
    expect(convertPolicy(yaml, { file: "x.heed.yaml", to: "yaml" }).output).toContain("allow: []");
  });

  it("refuses a YAML name that is a DSL keyword, naming it", () => {
    const yaml = 'cadence: x\nchannels: [email]\nstart: final\nstages:\n  final: { allow: [email] }\n';
    const result = convertPolicy(yaml, { file: "x.heed.yaml", to: "dsl" });
    expect(result.output).toBeUndefined();
    expect(result.diagnostics.map((d) => d.message)).toEqual([
      "name `final` cannot be written in the DSL (a name there is letters, digits, `_` and inner `-`, and no keyword)",
    ]);
  });

  it("converts a YAML rule id that is a DSL keyword: a rule's name may be any word", () => {
    const yaml = 'cadence: x\nchannels: [email]\nrules:\n  - { id: quiet, quietHours: "21:00-08:00" }\n';
    const result = convertPolicy(yaml, { file: "x.heed.yaml", to: "dsl" });
    expect(result.diagnostics).toEqual([]);
    expect(result.output).toBe('cadence "x" {\n  channels email\n\n  rule quiet: quiet hours 21:00 to 08:00\n}\n');
  });

  it("refuses an empty YAML engagement list, which the DSL would read back as the default", () => {
    const result = convertPolicy("cadence: x\nchannels: [email]\nengagement: []\n", { file: "x.heed.yaml", to: "dsl" });
    expect(result.output).toBeUndefined();
    expect(result.diagnostics.map((d) => d.code)).toEqual(["not-convertible"]);
  });
});

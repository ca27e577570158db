import { describe, expect, it } from "vitest";
import { convertPolicy, looksLikeDsl } from "../../src/parser/convert.js";

describe("convertPolicy", () => {
  it("tells the DSL from YAML by the first line after comments", () => {
    expect(looksLikeDsl('# a policy\ncadence "x" {\n}')).toBe(true);
    expect(looksLikeDsl("cadence inbound {\n}")).toBe(true);
    expect(looksLikeDsl("# yaml\ncadence: inbound\nchannels: [email]")).toBe(false);
  });

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
});

import { describe, expect, it } from "vitest";
import { parseTestFile } from "../../src/adapters/policy-tests.js";

const good = `policy: ../policies/inbound.heed
cases:
  - name: first
    contact: { id: c1, timezone: America/New_York }
    history:
      - { type: touch, channel: email, at: "2026-03-03T10:00:00-05:00" }
      - { type: reply, at: "not a time" }
    at: "2026-03-12T10:00:00-04:00"
    touch: { channel: call }
    expect:
      verdict: defer
      rules: [a, b]
      notBefore: "2026-03-12T12:00:00Z"
`;

describe("loading policy test files", () => {
  it("reads the policy path relative to the test file and every case", () => {
    const test = parseTestFile(good, "tests/inbound.test.yaml");
    expect(test.diagnostics).toEqual([]);
    expect(test.policies).toEqual(["policies/inbound.heed"]);
    expect(test.cases).toHaveLength(1);
    const c = test.cases[0]!;
    expect(c.name).toBe("first");
    expect(c.expect).toEqual({ verdict: "defer", rules: ["a", "b"], notBefore: "2026-03-12T12:00:00Z" });
    expect(c.span.line).toBe(3);
  });

  it("locates an input field of a case at its line and column", () => {
    const c = parseTestFile(good, "t.test.yaml").cases[0]!;
    expect(c.locate("history[1].at")).toMatchObject({ line: 7, column: 28 });
    expect(c.locate("contact.timezone")).toMatchObject({ line: 4, column: 34 });
    // A field that is not written points at the nearest enclosing value.
    expect(c.locate("touch.tags")).toMatchObject({ line: 9, column: 12 });
  });

  it("reports YAML syntax errors with line and column", () => {
    const test = parseTestFile("policy: a.heed\ncases:\n  - name: x\n    contact: { id: c1\n", "bad.test.yaml");
    expect(test.diagnostics.length).toBeGreaterThan(0);
    const first = test.diagnostics[0]!;
    expect(first.code).toBe("test-syntax");
    expect(first.message).toMatch(/^invalid YAML: /);
    expect(first.span?.file).toBe("bad.test.yaml");
    expect(first.span?.line).toBeGreaterThanOrEqual(4);
  });

  it("points at each malformed field, and names it in backticks", () => {
    const text = `policy: a.heed
cases:
  - name: x
    contact: { id: c1 }
    at: 2026
    touch: email
    expect: { verdict: maybe, colour: red }
`;
    const test = parseTestFile(text, "bad.test.yaml");
    const found = test.diagnostics.map((d) => `${d.span?.line}:${d.span?.column} ${d.message}`);
    expect(found).toEqual([
      "5:9 `at` must be an ISO-8601 instant such as `\"2026-03-12T10:00:00-04:00\"`",
      "6:12 `touch` must be a map such as `{ channel: email }`",
      "7:24 `verdict` must be `allow`, `deny` or `defer`, got `maybe`",
      "7:31 unknown field `colour` in `expect`",
    ]);
    expect(test.cases).toEqual([]);
  });

  it("requires policy and cases", () => {
    const test = parseTestFile("cases: []\nextra: 1\n", "x.test.yaml");
    expect(test.diagnostics.map((d) => d.message)).toEqual(["missing `policy`: the policy file under test, relative to this file", "unknown field `extra` in test file"]);
  });

  it("reports a case without a name or touch, naming the case", () => {
    const test = parseTestFile("policy: a.heed\ncases:\n  - contact: { id: c }\n    at: '2026-01-01T00:00:00Z'\n", "x.test.yaml");
    expect(test.diagnostics.map((d) => d.message)).toEqual(["case 1 has no `name`", "case `case 1` has no `touch`: the proposed touch, such as `{ channel: email }`"]);
  });
});

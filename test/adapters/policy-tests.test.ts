import { Ajv } from "ajv";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { parseTestFile, runCases, type CaseResult } from "../../src/adapters/policy-tests.js";
import { TEST_SCHEMA } from "../../src/adapters/test-file-schema.js";
import { parsePolicy } from "../../src/parser/index.js";

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

/** `line:column message` of each diagnostic of a test file's text. */
function problems(text: string): string[] {
  return parseTestFile(text, "t.test.yaml").diagnostics.map((d) => `${d.span?.line}:${d.span?.column} ${d.message}`);
}

/** A test file of one case whose `expect` (and more fields) are `fields`, each line indented as in a case. */
function oneCase(fields: string): string {
  return `policy: p.heed\ncases:\n  - name: c\n    contact: { id: c1 }\n    at: "2026-03-02T10:00:00Z"\n    touch: { channel: email }\n${fields}`;
}

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
    expect(c.account).toBeUndefined();
  });

  it("reads `exact`, `error` and `account`", () => {
    const test = parseTestFile(
      oneCase('    account:\n      - { type: touch, channel: call, at: "2026-03-01T10:00:00Z", id: t9 }\n    expect: { verdict: deny, codes: [at-most], exact: true }\n  - name: d\n    contact: { id: c2 }\n    at: "2026-03-02T10:00:00Z"\n    touch: { channel: email }\n    expect: { error: invalid-attribute }\n'),
      "t.test.yaml",
    );
    expect(test.diagnostics).toEqual([]);
    expect(test.cases.map((c) => c.expect)).toEqual([{ verdict: "deny", codes: ["at-most"], exact: true }, { error: "invalid-attribute" }]);
    expect(test.cases[0]!.account).toEqual([{ type: "touch", channel: "call", at: "2026-03-01T10:00:00Z", id: "t9" }]);
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

  it("points at each malformed field, names it in backticks and says what it got", () => {
    const text = `policy: a.heed
cases:
  - name: x
    contact: { id: c1 }
    at: 2026
    touch: email
    expect: { verdict: maybe, colour: red }
`;
    const test = parseTestFile(text, "bad.test.yaml");
    expect(test.diagnostics.every((d) => d.code === "test-shape" && d.span?.file === "bad.test.yaml")).toBe(true);
    expect(problems(text)).toEqual([
      '5:9 `at` must be the instant of the proposed touch, ISO-8601 such as `"2026-03-12T10:00:00-04:00"`, got `2026`',
      "6:12 `touch` must be the proposed touch, a map such as `{ channel: email }`, got `email`",
      "7:24 `expect.verdict` must be `allow`, `deny` or `defer`, got `maybe`",
      "7:31 unknown field `colour` in `expect`",
    ]);
    expect(test.cases).toEqual([]);
  });

  it("requires policy and cases", () => {
    const test = parseTestFile("cases: []\nextra: 1\n", "x.test.yaml");
    expect(test.diagnostics.map((d) => d.message)).toEqual([
      "the test file has no `policy`: the policy file under test (relative to this file), or a list of them",
      "unknown field `extra` in the test file",
    ]);
    expect(test.diagnostics[1]!.hint).toBe("expected one of `policy`, `cases`");
    expect(problems("policy: a.heed\n")).toEqual(["1:1 the test file has no `cases`: a list of cases"]);
    expect(problems("- policy: a.heed\n")).toEqual(["1:1 the test file must be a map with `policy` and `cases`, got a list"]);
  });

  it("reports a case without a name or touch, naming the case", () => {
    const test = parseTestFile("policy: a.heed\ncases:\n  - contact: { id: c }\n    at: '2026-01-01T00:00:00Z'\n", "x.test.yaml");
    expect(test.diagnostics.map((d) => d.message)).toEqual(["case 1 has no `name`: a name for the case, a string", "case 1 has no `touch`: the proposed touch, a map such as `{ channel: email }`"]);
    expect(problems("policy: a.heed\ncases:\n  - name: quiet\n    touch: { channel: call }\n").sort()).toEqual([
      "3:5 case `quiet` has no `at`: the instant of the proposed touch, ISO-8601 such as `\"2026-03-12T10:00:00-04:00\"`",
      "3:5 case `quiet` has no `contact`: the contact, a map such as `{ id: c1, timezone: America/New_York }`",
    ]);
    expect(problems("policy: a.heed\ncases: [1]\n")).toEqual([
      "2:9 case 1 must be a map with `name`, `contact`, `at` and `touch` (and `history`, `account`, `expect` when needed), got `1`",
    ]);
  });

  it("suggests the field a misspelt key was meant to be, and does not report that field missing too", () => {
    expect(problems("polcy: a.heed\ncases: []\n")).toEqual(["1:1 unknown field `polcy` in the test file (did you mean `policy`?)"]);
    expect(problems(oneCase("    histroy: []\n"))).toEqual(["7:5 unknown field `histroy` in case `c` (did you mean `history`?)"]);
    expect(problems(oneCase("    expect: { verdcit: deny }\n"))).toEqual(["7:15 unknown field `verdcit` in `expect` (did you mean `verdict`?)"]);
    expect(problems(oneCase("    expect:\n      verdict: deny\n      rule: [a]\n"))).toEqual(["9:7 unknown field `rule` in `expect` (did you mean `rules`?)"]);
    // A misspelt contact field would be ignored by the engine: it is an error here.
    expect(problems("policy: p.heed\ncases:\n  - name: c\n    contact: { id: c1, timezon: Europe/Paris }\n    at: \"2026-03-02T10:00:00Z\"\n    touch: { channel: email }\n")).toEqual([
      "4:24 unknown field `timezon` in `contact` (did you mean `timezone`?)",
    ]);
    expect(problems("policy: a.heed\ncases:\n  - nmae: x\n    contact: { id: c }\n    at: '2026-01-01T00:00:00Z'\n    touch: { channel: email }\n")).toEqual([
      "3:5 unknown field `nmae` in case 1 (did you mean `name`?)",
    ]);
  });

  it("checks `policy` as a file name or a non-empty list of them", () => {
    expect(problems("policy: 3\ncases: []\n")).toEqual(["1:9 `policy` must be the policy file under test (relative to this file), or a list of them, got `3`"]);
    expect(problems("policy: [a.heed, 3]\ncases: []\n")).toEqual(["1:18 `policy[1]` must be a policy file name such as `inbound.heed`, got `3`"]);
    expect(problems("policy: ''\ncases: []\n")).toEqual(["1:9 `policy` must not be empty"]);
    expect(problems("policy: []\ncases: []\n")).toEqual(["1:9 `policy` must not be empty"]);
    const set = parseTestFile("policy: [a.heed, b.heed.yaml]\ncases: []\n", "dir/t.test.yaml");
    expect(set.diagnostics).toEqual([]);
    expect(set.policies).toEqual(["dir/a.heed", "dir/b.heed.yaml"]);
  });

  it("checks each event of the history and of the account: a type, an instant, a touch's channel, tags as a list", () => {
    expect(
      problems(
        oneCase(
          [
            "    history:",
            '      - { type: touch, at: "2026-03-01T10:00:00Z", chanel: email }',
            '      - { at: "2026-03-01T11:00:00Z" }',
            '      - { type: reply, at: "2026-03-01T12:00:00Z", tags: urgent }',
            "      - reply",
            "    account:",
            '      - { type: touch, at: "2026-03-01T10:00:00Z" }',
            "",
          ].join("\n"),
        ),
      ),
    ).toEqual([
      "8:9 `history[0]` has no `channel`: a channel name, a string",
      "9:9 `history[1]` has no `type`: an event type such as `touch` or `reply`",
      "10:58 `history[2].tags` must be a list of tags, got `urgent`",
      '11:9 `history[3]` must be an event, a map such as `{ type: reply, at: "2026-03-03T10:00:00Z" }`, got `reply`',
      "13:9 `account[0]` has no `channel`: a channel name, a string",
    ]);
    expect(problems(oneCase("    account: { type: touch }\n"))).toEqual(["7:14 `account` must be a list of touches to the account's other contacts, got a map"]);
    // Free-form props stay free: a touch's campaign, a reply's sentiment, `auto: true`, an unsubscribe's channel.
    expect(
      problems(
        oneCase(
          '    history:\n      - { type: touch, channel: email, at: "2026-03-01T10:00:00Z", campaign: spring, tags: [a] }\n      - { type: reply, at: "2026-03-01T11:00:00+01:00", auto: true, sentiment: neutral, id: r1 }\n      - { type: unsubscribe, channel: sms, at: "2026-03-01T12:00:00Z" }\n',
        ),
      ),
    ).toEqual([]);
  });

  it("refuses decision fields beside `error`, and `exact` without a list to make exact", () => {
    expect(problems(oneCase("    expect: { error: invalid-event, verdict: deny }\n"))).toEqual([
      "7:46 `expect.verdict` cannot go with `error`: a case that expects an input error gets no decision (leave out one of them)",
    ]);
    expect(problems(oneCase("    expect:\n      exact: true\n      verdict: deny\n"))).toEqual([
      "8:7 `exact: true` makes `rules` and `codes` the whole list of reasons: give `rules`, `codes` or both",
    ]);
    expect(problems(oneCase("    expect: { exact: false, verdict: deny }\n"))).toEqual([]);
    expect(problems(oneCase("    expect: { exact: true, rules: [] }\n"))).toEqual([]);
    expect(problems(oneCase("    expect: { error: Invalid_Event }\n"))).toEqual([
      "7:22 `expect.error` must be an input error code such as `invalid-attribute`, got `Invalid_Event`",
    ]);
  });

  it("takes `notBefore` only as an instant with an offset or Z, and checks its parts", () => {
    expect(problems(oneCase('    expect: { verdict: defer, notBefore: "2026-03-12" }\n'))).toEqual([
      "7:42 `expect.notBefore` must be an ISO-8601 instant with an offset or `Z`, got `2026-03-12`",
    ]);
    expect(problems(oneCase('    expect: { verdict: defer, notBefore: "2026-13-12T10:00:00Z" }\n'))).toEqual([
      "7:42 `expect.notBefore` of case `c` is no instant: `2026-13-12T10:00:00Z` (a date, a time and an offset or `Z`, within the years 0001 to 9999)",
    ]);
  });
});

// ---------------------------------------------------------------- running

const POLICY = `cadence "p" {
  timezone from contact.timezone else "UTC"
  channels email, call
  rule calls-per-day: at most 1 call per day
  rule no-calls-after-email: never call within 2 hours of email_opened
  rule night: quiet hours 21:00 to 08:00 for call
}
`;

function run(cases: string): CaseResult[] {
  const { policy, diagnostics } = parsePolicy(POLICY, { file: "p.heed" });
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const test = parseTestFile(`policy: p.heed\ncases:\n${cases}`, "t.test.yaml");
  expect(test.diagnostics).toEqual([]);
  return runCases(test, [policy!]);
}

/** A case proposing a call at 22:00 UTC after a call that morning and an open at 21:30: three reasons, in policy order. */
function busyCall(expectation: string): string {
  return [
    "  - name: busy",
    "    contact: { id: c1 }",
    "    history:",
    '      - { type: touch, channel: call, at: "2026-03-02T09:00:00Z" }',
    '      - { type: email_opened, at: "2026-03-02T21:30:00Z" }',
    '    at: "2026-03-02T22:00:00Z"',
    "    touch: { channel: call }",
    `    expect: ${expectation}`,
    "",
  ].join("\n");
}

function outcome(r: CaseResult): { passed: boolean; failures: string[]; lines: number[] } {
  return { passed: r.passed, failures: r.failures, lines: r.failureSpans.map((s) => s.line) };
}

describe("running cases", () => {
  it("holds `rules` and `codes` when they are among the reasons, in any order", () => {
    const [r] = run(busyCall("{ verdict: defer, rules: [night, calls-per-day], codes: [quiet-hours] }"));
    expect(r!.explanation?.decision.reasons.map((x) => x.rule)).toEqual(["calls-per-day", "no-calls-after-email", "night"]);
    expect(outcome(r!)).toEqual({ passed: true, failures: [], lines: [] });
  });

  it("with `exact: true`, holds `rules` and `codes` only as the whole list of reasons, in order", () => {
    const results = run(
      [
        busyCall("{ rules: [calls-per-day, no-calls-after-email, night], codes: [at-most, never-within, quiet-hours], exact: true }"),
        busyCall("{ rules: [night, calls-per-day, no-calls-after-email], exact: true }"),
        busyCall("{ rules: [calls-per-day, night], exact: true }"),
        busyCall("{ codes: [at-most, never-within], exact: true }"),
        busyCall("{ rules: [], exact: true }"),
      ].join(""),
    );
    expect(results.map(outcome)).toEqual([
      { passed: true, failures: [], lines: [] },
      { passed: false, failures: ["rules: expected exactly `night`, `calls-per-day`, `no-calls-after-email`, in this order, got `calls-per-day`, `no-calls-after-email`, `night`"], lines: [18] },
      { passed: false, failures: ["rules: expected exactly `calls-per-day`, `night`, in this order, got `calls-per-day`, `no-calls-after-email`, `night`"], lines: [26] },
      { passed: false, failures: ["codes: expected exactly `at-most`, `never-within`, in this order, got `at-most`, `never-within`, `quiet-hours`"], lines: [34] },
      { passed: false, failures: ["rules: expected exactly none, in this order, got `calls-per-day`, `no-calls-after-email`, `night`"], lines: [42] },
    ]);
  });

  it("compares `notBefore` as instants, not as text", () => {
    const results = run(
      [
        busyCall('{ verdict: defer, notBefore: "2026-03-03T08:00:00Z" }'),
        busyCall('{ verdict: defer, notBefore: "2026-03-03T09:00:00+01:00" }'),
        busyCall('{ verdict: defer, notBefore: "2026-03-03T03:00:00.000-05:00" }'),
        busyCall('{ verdict: defer, notBefore: "2026-03-03T09:00:00Z" }'),
      ].join(""),
    );
    expect(results.map((r) => r.passed)).toEqual([true, true, true, false]);
    expect(results[3]!.failures).toEqual([`notBefore: expected \`2026-03-03T09:00:00Z\`, got \`${results[3]!.explanation!.decision.notBefore}\``]);
  });

  it("passes a case expecting an input error when the input is refused with that code", () => {
    const results = run(
      [
        "  - name: unknown zone",
        "    contact: { id: c1, timezone: Mars/Olympus_Mons }",
        '    at: "2026-03-02T10:00:00Z"',
        "    touch: { channel: call }",
        "    expect: { error: unknown-timezone }",
        "  - name: bad instant",
        "    contact: { id: c1 }",
        "    history:",
        '      - { type: reply, at: "yesterday" }',
        '    at: "2026-03-02T10:00:00Z"',
        "    touch: { channel: call }",
        "    expect: { error: invalid-time }",
        "",
      ].join("\n"),
    );
    expect(results.map(outcome)).toEqual([
      { passed: true, failures: [], lines: [] },
      { passed: true, failures: [], lines: [] },
    ]);
    expect(results[1]!.inputError).toMatchObject({ code: "invalid-time", field: "history[0].at" });
  });

  it("hands the input of a case expecting an error to the engine unchecked, so that a malformed event or touch can be expected", () => {
    const malformed = [
      ["a touch without a channel", '    history:\n      - { type: touch, at: "2026-03-01T10:00:00Z" }\n', "{ channel: email }", "invalid-event", "history[0].channel"],
      ["an event without a type", '    history:\n      - { at: "2026-03-01T10:00:00Z", sentiment: negative }\n', "{ channel: email }", "invalid-event", "history[0].type"],
      ["an event id that is a number", '    history:\n      - { type: reply, id: 7, at: "2026-03-01T10:00:00Z" }\n', "{ channel: email }", "invalid-event", "history[0].id"],
      ["a history that is no list", "    history: { type: reply }\n", "{ channel: email }", "invalid-history", "history"],
      ["a touch that is a word", "", "email", "invalid-touch", "touch"],
      ["tags that are no list", "", "{ channel: email, tags: urgent }", "invalid-touch", "touch.tags"],
    ] as const;
    const input = (name: string, history: string, touch: string): string => `  - name: ${name}\n    contact: { id: c1 }\n${history}    at: "2026-03-02T10:00:00Z"\n    touch: ${touch}\n`;
    // Without `error`, each input is a shape error of the test file.
    for (const [name, history, touch] of malformed) {
      const shape = parseTestFile(`policy: p.heed\ncases:\n${input(name, history, touch)}    expect: { verdict: allow }\n`, "t.test.yaml");
      expect({ name, codes: [...new Set(shape.diagnostics.map((d) => d.code))] }).toEqual({ name, codes: ["test-shape"] });
    }
    const results = run(malformed.map(([name, history, touch, code]) => `${input(name, history, touch)}    expect: { error: ${code} }\n`).join(""));
    expect(results.map((r) => ({ name: r.name, passed: r.passed, code: r.inputError?.code, field: r.inputError?.field }))).toEqual(
      malformed.map(([name, , , code, field]) => ({ name, passed: true, code, field })),
    );
  });

  it("fails a case expecting an input error that gets a decision, and one expecting a decision whose input is refused, saying both", () => {
    const results = run(
      [
        "  - name: expects a refusal",
        "    contact: { id: c1 }",
        '    at: "2026-03-02T10:00:00Z"',
        "    touch: { channel: email }",
        "    expect: { error: invalid-attribute }",
        "  - name: expects a decision",
        "    contact: { id: c1 }",
        "    history:",
        '      - { type: reply, at: "yesterday" }',
        '    at: "2026-03-02T10:00:00Z"',
        "    touch: { channel: call }",
        "    expect: { verdict: allow }",
        "  - name: expects another refusal",
        "    contact: { id: c1, timezone: Mars/Olympus_Mons }",
        '    at: "2026-03-02T10:00:00Z"',
        "    touch: { channel: call }",
        "    expect: { error: invalid-attribute }",
        "",
      ].join("\n"),
    );
    expect(results.map(outcome)).toEqual([
      { passed: false, failures: ["expected the input error `invalid-attribute`, got a decision: allow (stage `active`)"], lines: [7] },
      {
        passed: false,
        failures: ["expected a decision, got the input error `invalid-time`: `history[0].at` is not an ISO-8601 instant with an offset or `Z`: `yesterday`"],
        lines: [11],
      },
      {
        passed: false,
        failures: [
          "expected the input error `invalid-attribute`, got the input error `unknown-timezone`: unknown time zone `Mars/Olympus_Mons` in `contact.timezone` (expected an IANA name such as `America/New_York`)",
        ],
        lines: [16],
      },
    ]);
    expect(results[0]!.failureSpans[0]).toMatchObject({ line: 7, column: 22 });
  });

  it("passes a case expecting `invalid-attribute` or `invalid-event` where the policy declares its vocabulary", () => {
    const declared = 'cadence "vocab" {\n  channels email\n  attributes { customer: boolean }\n  signals { reply { sentiment: "positive" | "negative" } }\n  start stage active { allow email }\n  final stage closed\n  never email when contact.customer == true\n  on reply where sentiment == "negative" move to closed\n}\n';
    const { policy, diagnostics } = parsePolicy(declared, { file: "vocab.heed" });
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const email = '    at: "2026-03-02T10:00:00Z"\n    touch: { channel: email }\n';
    const test = parseTestFile(
      [
        "policy: vocab.heed",
        "cases:",
        `  - name: a customer flag written as text\n    contact: { id: c1, attributes: { customer: "yes" } }\n${email}    expect: { error: invalid-attribute }`,
        `  - name: a sentiment the policy does not know\n    contact: { id: c1 }\n    history:\n      - { type: reply, at: "2026-03-01T10:00:00Z", sentiment: angry }\n${email}    expect: { error: invalid-event }`,
        `  - name: the same flag, expecting a decision\n    contact: { id: c1, attributes: { customer: "yes" } }\n${email}    expect: { verdict: deny }`,
        "",
      ].join("\n"),
      "vocab.test.yaml",
    );
    expect(test.diagnostics).toEqual([]);
    const results = runCases(test, [policy!]);
    expect(results.map((r) => ({ passed: r.passed, code: r.inputError?.code, field: r.inputError?.field, lines: r.failureSpans.map((span) => span.line) }))).toEqual([
      { passed: true, code: "invalid-attribute", field: "contact.attributes.customer", lines: [] },
      { passed: true, code: "invalid-event", field: "history[0].sentiment", lines: [] },
      { passed: false, code: "invalid-attribute", field: "contact.attributes.customer", lines: [16] },
    ]);
    expect(results[2]!.failures[0]).toMatch(/^expected a decision, got the input error `invalid-attribute`: `contact\.attributes\.customer` must be /);
  });

  it("hands `account` to the engine: its touches count for limits across the account, and a malformed one is an input error", () => {
    const { policy } = parsePolicy('cadence "acct" {\n  timezone from contact.timezone else "UTC"\n  channels email, call\n  rule account-calls: at most 2 calls per day across account\n}\n', { file: "acct.heed" });
    const account = '    account:\n      - { type: touch, channel: call, at: "2026-03-02T08:30:00Z" }\n      - { type: reply, at: "2026-03-02T09:00:00Z" }\n      - { type: touch, channel: call, at: "2026-03-02T09:30:00Z" }\n';
    const call = '    at: "2026-03-02T10:00:00Z"\n    touch: { channel: call }\n';
    const test = parseTestFile(
      [
        "policy: acct.heed",
        "cases:",
        `  - name: two calls to colleagues today\n    contact: { id: c1, account: acme }\n${account}${call}    expect: { verdict: defer, notBefore: "2026-03-03T00:00:00Z", rules: [account-calls], codes: [at-most-account], exact: true }`,
        `  - name: no account given\n    contact: { id: c1, account: acme }\n${call}    expect: { verdict: allow }`,
        `  - name: an account that is no list\n    contact: { id: c1, account: acme }\n    account: { type: touch }\n${call}    expect: { error: invalid-account }`,
        `  - name: an account touch at no instant\n    contact: { id: c1, account: acme }\n    account:\n      - { type: touch, channel: call, at: soon }\n${call}    expect: { error: invalid-time }`,
        "",
      ].join("\n"),
      "acct.test.yaml",
    );
    expect(test.diagnostics).toEqual([]);
    const results = runCases(test, [policy!]);
    expect(results.map((r) => ({ name: r.name, failures: r.failures, field: r.inputError?.field }))).toEqual([
      { name: "two calls to colleagues today", failures: [], field: undefined },
      { name: "no account given", failures: [], field: undefined },
      { name: "an account that is no list", failures: [], field: "account" },
      { name: "an account touch at no instant", failures: [], field: "account[0].at" },
    ]);
  });
});

// ---------------------------------------------------------------- the shipped schema

describe("the JSON Schema of test files", () => {
  const root = join(import.meta.dirname, "../..");
  const shipped: unknown = JSON.parse(readFileSync(join(root, "schema/heed-test.schema.json"), "utf8"));
  const examples = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".test.yaml"));

  it("is the schema `heed test` checks with, shipped beside the policy schema", () => {
    expect(shipped).toEqual(TEST_SCHEMA);
    expect((shipped as { $schema: string }).$schema).toBe("http://json-schema.org/draft-07/schema#");
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { files: string[] };
    expect(pkg.files).toContain("schema");
  });

  it.each(examples)("examples/%s names it on its first line, and is valid against it", (file) => {
    const text = readFileSync(join(root, "examples", file), "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=../schema/heed-test.schema.json");
    // A plain validator, as an editor has: only the standard keywords and the `errorMessage` annotation.
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(shipped as object);
    expect(validate(parse(text))).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
  });
});

// ---------------------------------------------------------------- the language reference

describe("docs/language.md on inputs and test files", () => {
  const root = join(import.meta.dirname, "../..");
  const docs = readFileSync(join(root, "docs/language.md"), "utf8");
  const yamlBlocks = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const { policy, diagnostics } = parsePolicy(readFileSync(join(root, "examples/inbound.heed"), "utf8"), { file: "inbound.heed" });

  it("its whole test file is valid, and every case passes against the policy it shows", () => {
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const text = yamlBlocks.find((b) => b.startsWith("# policies/inbound.test.yaml"));
    expect(text).toBeDefined();
    const test = parseTestFile(text!, "policies/inbound.test.yaml");
    expect(test.diagnostics).toEqual([]);
    const results = runCases(test, [policy!]);
    expect(results.map((r) => ({ name: r.name, failures: r.failures }))).toEqual(test.cases.map((c) => ({ name: c.name, failures: [] })));
    // The three kinds of expectation the section explains: a subset, an exact list, an input error.
    expect(test.cases.map((c) => Object.keys(c.expect).sort().join(","))).toEqual(["rules,stage,verdict", "codes,exact,notBefore,verdict", "error"]);
  });

  it("its example input is one the engine accepts, with its props flat on each event", () => {
    const text = yamlBlocks.find((b) => b.startsWith("contact:"));
    expect(text).toBeDefined();
    const input = parse(text!) as { contact: unknown; history: unknown[]; touch: unknown; at: string };
    const test = parseTestFile(`policy: inbound.heed\ncases:\n  - name: docs\n${text!.replace(/^/gm, "    ").trimEnd()}\n`, "t.test.yaml");
    expect(test.diagnostics).toEqual([]);
    const [result] = runCases(test, [policy!]);
    expect(result!.inputError).toBeUndefined();
    // The reply's `prefers`, flat on the event, moved the contact; the auto-reply did nothing; the unsubscribe closed it.
    expect(result!.explanation!.timeline.map((c) => `${c.to} (${c.cause})`)).toEqual(["prospecting (start)", 'email-only (on reply where prefers == "email")', "closed (on unsubscribe)"]);
    expect(input.history).toHaveLength(4);
  });
});

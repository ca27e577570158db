/**
 * Limits across an account (spec section 8.4): `at most N CHANNELS per
 * WINDOW across account` in the DSL and YAML, `evaluate`'s `account`,
 * `decide(..., { account })` and `engine.accountWindow`.
 */

import { describe, expect, it } from "vitest";
import { compile } from "../../src/engine/index.js";
import type { Engine } from "../../src/engine/api.js";
import type { HistoryEvent } from "../../src/model.js";
import { convertPolicy } from "../../src/parser/convert.js";
import { formatPolicy } from "../../src/parser/format.js";
import { parsePolicy } from "../../src/parser/index.js";

const DSL = `cadence "revops" {
  timezone from contact.timezone else "UTC"
  channels email, call
  rule account-calls: at most 2 calls per 7 days across account
  at most 1 call per day
}
`;

function engineOf(text: string, file = "revops.heed"): Engine {
  const { policy, diagnostics } = parsePolicy(text, { file });
  if (!policy) throw new Error(diagnostics.map((d) => d.message).join("; "));
  return compile(policy);
}

const engine = engineOf(DSL);
const contact = { id: "ann", account: "acme" };
const call = (at: string, id?: string): HistoryEvent => ({ type: "touch", channel: "call", at, ...(id === undefined ? {} : { id }) });

describe("`across account` in the DSL and YAML", () => {
  it("parses, formats and converts both ways to the same rule", () => {
    const { policy, diagnostics } = parsePolicy(DSL, { file: "revops.heed" });
    expect(diagnostics).toEqual([]);
    expect(policy!.rules[0]).toMatchObject({ kind: "at-most-account", count: 2, window: { kind: "rolling", amount: 7, unit: "days" } });
    expect(formatPolicy(policy!)).toContain("rule account-calls: at most 2 calls per 7 days across account");
    const yaml = convertPolicy(DSL, { to: "yaml", file: "revops.heed" });
    expect(yaml.output).toContain("- { id: account-calls, atMost: 2, of: call, per: 7 days, across: account }");
    const back = convertPolicy(yaml.output!, { to: "dsl", file: "revops.heed.yaml" });
    expect(back.output).toContain("rule account-calls: at most 2 calls per 7 days across account");
  });

  it("refuses a group other than `account`, at its line and column, in both forms", () => {
    const dsl = parsePolicy(`cadence "p" {\n  channels call\n  at most 2 calls per week across company\n}\n`, { file: "p.heed" });
    expect(dsl.diagnostics).toMatchObject([{ severity: "error", message: "expected `account` after `across`, got `company`", span: { line: 3, column: 35 } }]);
    const yaml = parsePolicy(`cadence: p\nchannels: [call]\nrules:\n  - { atMost: 2, of: calls, per: 1 week, across: company }\n`, { file: "p.heed.yaml" });
    expect(yaml.diagnostics[0]).toMatchObject({ severity: "error", span: { line: 4 } });
    expect(yaml.diagnostics[0]!.message).toMatch(/`?across`?/);
  });

  it("refuses a limit of zero as `at most` does", () => {
    const { diagnostics } = parsePolicy(`cadence "p" {\n  channels call\n  at most 0 calls per week across account\n}\n`, { file: "p.heed" });
    expect(diagnostics.some((d) => d.severity === "error" && d.code === "invalid-count" && d.span?.line === 3)).toBe(true);
  });
});

describe("evaluate with the account's touches", () => {
  const at = "2026-03-06T10:00:00Z";

  it("counts the account's other contacts' touches with the contact's own, and defers until one leaves the window", () => {
    const decision = engine.evaluate({
      contact,
      history: [call("2026-03-02T09:00:00Z")],
      account: [call("2026-03-04T15:00:00Z", "bob-1")],
      touch: { channel: "call" },
      at,
    });
    expect(decision).toMatchObject({ verdict: "defer", notBefore: "2026-03-09T09:00:00Z" });
    expect(decision.reasons).toEqual([
      expect.objectContaining({
        rule: "account-calls",
        code: "at-most-account",
        message: "at most 2 `call` per 7 days across account: 2 or more already sent to the account in the last 7 days",
      }),
    ]);
    // without the account's touch, one call in the week: allowed
    expect(engine.evaluate({ contact, history: [call("2026-03-02T09:00:00Z")], touch: { channel: "call" }, at }).verdict).toBe("allow");
  });

  it("ignores other event types, counts touches sharing an id once, and ignores those after `at`", () => {
    const account: HistoryEvent[] = [
      { type: "reply", at: "2026-03-03T10:00:00Z", id: "r" },
      call("2026-03-04T10:00:00Z", "x"),
      call("2026-03-05T10:00:00Z", "x"),
      call("2026-03-06T10:00:01Z", "later"),
      { type: "touch", channel: "email", at: "2026-03-05T11:00:00Z", id: "e" },
    ];
    expect(engine.evaluate({ contact, history: [], account, touch: { channel: "call" }, at }).verdict).toBe("allow");
    const twice = engine.evaluate({ contact, history: [], account: [...account, call("2026-03-05T12:00:00Z", "y")], touch: { channel: "call" }, at });
    expect(twice).toMatchObject({ verdict: "defer", notBefore: "2026-03-11T10:00:00Z" });
  });

  it("decide on a snapshot with `{ account }` gives what evaluate gives", () => {
    const history = [call("2026-03-02T09:00:00Z"), { type: "reply", at: "2026-03-03T09:00:00Z" }];
    const account = [call("2026-03-05T08:00:00Z", "b1"), call("2026-03-01T08:00:00Z", "b0")];
    let snapshot = engine.start(contact, "2026-03-01T00:00:00Z");
    for (const event of history) snapshot = engine.step(snapshot, event);
    for (const when of ["2026-03-06T10:00:00Z", "2026-03-08T08:00:00Z", "2026-03-09T09:00:00Z"]) {
      const byReplay = engine.evaluate({ contact, history, account, touch: { channel: "call" }, at: when });
      expect(engine.decide(snapshot, { channel: "call" }, when, { account })).toEqual(byReplay);
    }
    expect(engine.decide(snapshot, { channel: "call" }, "2026-03-06T10:00:00Z").verdict).toBe("allow");
  });

  it("counts per calendar week in the contact's zone, and says which week", () => {
    const weekly = engineOf(`cadence "w" {\n  timezone from contact.timezone else "UTC"\n  channels email\n  at most 1 email per week across account\n}\n`);
    const decision = weekly.evaluate({
      contact: { id: "c", account: "acme", timezone: "America/New_York" },
      history: [],
      account: [{ type: "touch", channel: "email", at: "2026-03-02T15:00:00Z" }],
      touch: { channel: "email" },
      at: "2026-03-06T15:00:00Z",
    });
    expect(decision).toMatchObject({ verdict: "defer", notBefore: "2026-03-09T04:00:00Z" });
    expect(decision.reasons[0]!.message).toBe("at most 1 `email` per week across account: 1 or more already sent to the account in the week of 2026-03-02 (local)");
  });

  it("refuses a malformed account list, naming the field", () => {
    const input = { contact, history: [], touch: { channel: "call" }, at };
    expect(() => engine.evaluate({ ...input, account: "acme" as unknown as HistoryEvent[] })).toThrow(expect.objectContaining({ code: "invalid-account", field: "account" }));
    expect(() => engine.evaluate({ ...input, account: [call(at), { type: "touch", channel: "call", at: "yesterday" }] })).toThrow(
      expect.objectContaining({ code: "invalid-time", field: "account[1].at" }),
    );
    expect(() => engine.evaluate({ ...input, contact: { id: "c", account: 7 as unknown as string } })).toThrow(
      expect.objectContaining({ code: "invalid-contact", field: "contact.account" }),
    );
  });
});

describe("engine.accountWindow", () => {
  it("is the longest window of the `across account` rules, and null without them", () => {
    expect(engine.accountWindow).toBe(7 * 86_400_000);
    expect(engineOf(`cadence "p" {\n  channels call\n  at most 1 call per day\n}\n`).accountWindow).toBeNull();
    const mixed = engineOf(
      `cadence "p" {\n  timezone from contact.timezone else "UTC"\n  channels call, email\n  at most 1 call per 36 hours across account\n  at most 3 emails per day across account\n}\n`,
    );
    // a calendar day reaches back at most 48 hours from an instant inside it, longer than the 36 hours
    expect(mixed.accountWindow).toBe(48 * 3_600_000);
  });
});

/**
 * Declared types at evaluation (spec section 8.1): a declared attribute of
 * another type is `invalid-attribute` naming `contact.attributes.X`; a
 * declared signal prop of another type is `invalid-event` naming
 * `history[i].X`. Undeclared attributes and props are allowed and ignored.
 * Both forms of a policy refuse alike.
 */

import { describe, expect, it } from "vitest";
import { HeedInputError } from "../../src/diagnostics.js";
import { compile } from "../../src/engine/index.js";
import { parsePolicy } from "../../src/parser/index.js";
import type { EvaluateInput } from "../../src/model.js";

const DSL = `cadence "declared" {
  timezone from contact.timezone else "UTC"
  channels email, call
  attributes {
    customer: boolean
    role: "analyst" | "student" | "marketer"
    products: list
    score: number
  }
  signals {
    reply { sentiment: "positive" | "neutral" | "negative", prefers: string }
    webinar_attended
  }
  never call when contact.role in ["analyst", "student"]
  never call after reply where prefers == "email"
}
`;

const YAML = `cadence: declared
timezone: { from: contact.timezone, fallback: UTC }
channels: [email, call]
attributes:
  customer: boolean
  role: [analyst, student, marketer]
  products: list
  score: number
signals:
  reply: { sentiment: [positive, neutral, negative], prefers: string }
  webinar_attended: {}
rules:
  - { never: call, when: 'contact.role in ["analyst", "student"]' }
  - { never: call, after: reply, where: 'prefers == "email"' }
`;

function engineOf(text: string, file: string) {
  const { policy, diagnostics } = parsePolicy(text, { file });
  expect(diagnostics).toEqual([]);
  return compile(policy!);
}

const AT = "2026-03-02T15:00:00Z";

function input(attributes: Record<string, unknown>, history: EvaluateInput["history"] = []): EvaluateInput {
  return { contact: { id: "c1", attributes } as EvaluateInput["contact"], history, touch: { channel: "call" }, at: AT };
}

/** The input error `evaluate` raises, as `code field: message`. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof HeedInputError) return `${error.code} ${error.field}: ${error.message}`;
    throw error;
  }
  return "accepted";
}

describe.each([
  ["DSL", DSL, "p.heed"],
  ["YAML", YAML, "p.heed.yaml"],
])("declared types at evaluation (%s)", (_form, text, file) => {
  const engine = engineOf(text, file);

  it("a declared attribute of another type is invalid-attribute naming contact.attributes.X", () => {
    expect(refusal(() => engine.evaluate(input({ customer: "yes" })))).toBe(
      "invalid-attribute contact.attributes.customer: `contact.attributes.customer` must be a boolean (as the policy declares it), got `yes`",
    );
    expect(refusal(() => engine.evaluate(input({ products: ["a", 2] })))).toMatch(/^invalid-attribute contact\.attributes\.products: .* must be a list of strings/);
    expect(refusal(() => engine.evaluate(input({ score: "12" })))).toMatch(/^invalid-attribute contact\.attributes\.score: .* must be a number/);
  });

  it("a choice it does not list is invalid-attribute", () => {
    expect(refusal(() => engine.evaluate(input({ role: "analsyt" })))).toBe(
      'invalid-attribute contact.attributes.role: `contact.attributes.role` must be one of `"analyst"`, `"student"`, `"marketer"` (as the policy declares it), got `analsyt`',
    );
  });

  it("a declared prop of another type is invalid-event naming history[i].X", () => {
    const history = [
      { type: "touch", channel: "email", at: "2026-02-27T10:00:00Z" },
      { type: "reply", at: "2026-02-28T10:00:00Z", sentiment: "negatve" },
    ];
    expect(refusal(() => engine.evaluate(input({}, history)))).toBe(
      'invalid-event history[1].sentiment: `history[1].sentiment` must be one of `"positive"`, `"neutral"`, `"negative"` (as the policy declares `reply`\'s props), got `negatve`',
    );
    expect(refusal(() => engine.evaluate(input({}, [{ type: "reply", at: "2026-02-28T10:00:00Z", prefers: 3 }])))).toMatch(/^invalid-event history\[0\]\.prefers: /);
  });

  it("the prop of an auto-reply is checked as a reply's", () => {
    expect(refusal(() => engine.evaluate(input({}, [{ type: "reply", auto: true, at: "2026-02-28T10:00:00Z", sentiment: 1 }])))).toMatch(/^invalid-event history\[0\]\.sentiment: /);
  });

  it("undeclared attributes and props, and missing or null values, are allowed and decide as before", () => {
    const history = [{ type: "reply", at: "2026-02-28T10:00:00Z", sentiment: "positive", extra: { any: 1 } }];
    expect(engine.evaluate(input({ title: 3, role: null, customer: true }, history)).verdict).toBe("allow");
    expect(engine.evaluate(input({ role: "analyst" })).verdict).toBe("deny");
    expect(engine.evaluate(input({}, [{ type: "reply", at: "2026-02-28T10:00:00Z", prefers: "email" }])).verdict).toBe("deny");
  });

  it("start checks the contact, step checks the event as `event.X`", () => {
    expect(refusal(() => engine.start({ id: "c1", attributes: { customer: 1 } }, AT))).toMatch(/^invalid-attribute contact\.attributes\.customer: /);
    const snapshot = engine.start({ id: "c1", attributes: { customer: true } }, "2026-02-01T00:00:00Z");
    expect(refusal(() => engine.step(snapshot, { type: "reply", at: "2026-02-28T10:00:00Z", sentiment: "great" }))).toMatch(
      /^invalid-event event\.sentiment: `event\.sentiment` must be one of/,
    );
  });
});

describe("a policy that declares nothing", () => {
  it("checks no attribute or prop type", () => {
    const engine = engineOf('cadence "open" {\n  channels call\n  never call when contact.customer == true\n}\n', "p.heed");
    expect(engine.evaluate(input({ customer: "yes" }, [{ type: "reply", at: "2026-02-28T10:00:00Z", sentiment: 7 }])).verdict).toBe("allow");
  });
});

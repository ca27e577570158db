/**
 * Names are checked (spec section 8.1): each mistake of issue 16 gives its
 * code at its line and column, in the DSL and in YAML, through the same
 * pipeline as `heed check` (parse, validate, analyse).
 */

import { describe, expect, it } from "vitest";
import { checkStatic } from "../../src/adapters/check-policy.js";

/**
 * The diagnostics of a policy text as `heed check` finds them, the silent
 * contact aside, and the pursuit bound too: these fragments set no limit,
 * which `unbounded-pursuit` rightly says of each.
 */
function diagnostics(text: string, file: string, options: { knownSignals?: string[] } = {}) {
  return checkStatic(text, file, options).diagnostics.filter((d) => d.code !== "unbounded-pursuit");
}

/** `line:column severity code` of every diagnostic of a policy text. */
function found(text: string, file: string, options: { knownSignals?: string[] } = {}): string[] {
  return diagnostics(text, file, options).map((d) => `${d.span?.line}:${d.span?.column} ${d.severity} ${d.code}`);
}

function messages(text: string, file: string): string[] {
  return diagnostics(text, file).map((d) => d.message);
}

const DSL_HEAD = 'cadence "x" {\n  channels email, call\n';
const YAML_HEAD = "cadence: x\nchannels: [email, call]\n";

describe("a misspelled counter", () => {
  it("in a rule is unknown-name with the nearest counter (DSL)", () => {
    const text = `${DSL_HEAD}  never call when total_touchs == 0\n}\n`;
    expect(found(text, "p.heed")).toEqual(["3:19 error unknown-name"]);
    expect(messages(text, "p.heed")).toEqual(["unknown name `total_touchs` (did you mean `total_touches`?)"]);
  });

  it("in a rule is unknown-name with the nearest counter (YAML)", () => {
    const text = `${YAML_HEAD}rules:\n  - { never: call, when: 'total_touchs == 0' }\n`;
    expect(found(text, "p.heed.yaml")).toEqual(["4:27 error unknown-name"]);
    expect(messages(text, "p.heed.yaml")).toEqual(["unknown name `total_touchs` (did you mean `total_touches`?)"]);
  });

  it("in a transition is unknown-name (DSL)", () => {
    const text = `${DSL_HEAD}  start stage a {\n    allow email\n    when total_touchs >= 3 move to b\n  }\n  final stage b\n}\n`;
    expect(found(text, "p.heed")).toEqual(["5:10 error unknown-name"]);
  });

  it("in a transition is unknown-name (YAML)", () => {
    const text = `${YAML_HEAD}start: a\nstages:\n  a:\n    allow: [email]\n    transitions:\n      - { when: 'ignord > 2', moveTo: b }\n  b: { final: true }\n`;
    expect(found(text, "p.heed.yaml")).toEqual(["8:18 error unknown-name"]);
    expect(messages(text, "p.heed.yaml")).toEqual(["unknown name `ignord` (did you mean `ignored`?)"]);
  });

  it("in `applies when` and in a dotted path: the head is what is unknown", () => {
    const text = `${DSL_HEAD}  applies when contcat.role == "x"\n}\n`;
    expect(messages(text, "p.heed")).toEqual(["unknown name `contcat.role` (did you mean `contact.role`?)"]);
  });

  it("inside a signal's where, a bare name is the signal's prop: accepted when the signal declares no props", () => {
    const text = `${DSL_HEAD}  never call without reply where sentimnt == "positive"\n}\n`;
    expect(found(text, "p.heed")).toEqual([]);
  });

  it("counters stay in scope inside a where", () => {
    const text = `${DSL_HEAD}  signals { reply { sentiment: string } }\n  never call without reply where touches > 1 and sentiment == "positive"\n}\n`;
    expect(found(text, "p.heed")).toEqual([]);
  });
});

describe("a misspelled prop of a declared signal", () => {
  it("is unknown-name with the nearest prop (DSL)", () => {
    const text = `${DSL_HEAD}  signals {\n    reply { sentiment: "positive" | "negative", prefers: string }\n  }\n  never call without reply where sentimnt == "positive"\n}\n`;
    expect(found(text, "p.heed")).toEqual(["6:34 error unknown-name"]);
    expect(messages(text, "p.heed")).toEqual(["unknown name `sentimnt`: signal `reply` declares no such prop (did you mean `sentiment`?)"]);
  });

  it("is unknown-name with the nearest prop (YAML)", () => {
    const text = `${YAML_HEAD}signals:\n  reply: { sentiment: [positive, negative] }\nrules:\n  - { never: call, without: reply, where: 'signal.sentimnt == "positive"' }\n`;
    expect(found(text, "p.heed.yaml")).toEqual(["6:44 error unknown-name"]);
    expect(messages(text, "p.heed.yaml")).toEqual(["unknown name `signal.sentimnt`: signal `reply` declares no such prop (did you mean `signal.sentiment`?)"]);
  });

  it("a signal declared without props has none to read", () => {
    const text = `${DSL_HEAD}  signals { webinar_attended }\n  never call after webinar_attended where topic == "pricing"\n}\n`;
    expect(found(text, "p.heed")).toEqual(["4:43 error unknown-name"]);
  });
});

describe("a misspelled attribute", () => {
  it("with declarations is unknown-attribute with the nearest one (DSL)", () => {
    const text = `${DSL_HEAD}  attributes {\n    customer: boolean\n  }\n  never any when contact.custmer == true\n}\n`;
    expect(found(text, "p.heed")).toEqual(["6:18 error unknown-attribute"]);
    expect(messages(text, "p.heed")).toEqual(["unknown attribute `custmer` (did you mean `customer`?)"]);
  });

  it("with declarations is unknown-attribute with the nearest one (YAML), `contact.attributes.X` alike", () => {
    const text = `${YAML_HEAD}attributes: { customer: boolean }\nrules:\n  - { never: any, when: 'contact.attributes.custmer == true' }\n`;
    expect(found(text, "p.heed.yaml")).toEqual(["5:26 error unknown-attribute"]);
  });

  it("in `timezone from` with declarations is unknown-attribute", () => {
    const text = `${DSL_HEAD}  timezone from contact.tzz\n  attributes { tz: string }\n}\n`;
    expect(found(text, "p.heed")).toEqual(["3:17 error unknown-attribute"]);
  });

  it("without declarations is listed by one undeclared-vocabulary warning at the policy's name (DSL)", () => {
    const text = `${DSL_HEAD}  never any when contact.custmer == true\n  never call when contact.role in ["analyst"]\n}\n`;
    expect(found(text, "p.heed")).toEqual(["1:9 warning undeclared-vocabulary"]);
    const [warning] = diagnostics(text, "p.heed");
    expect(warning?.message).toBe("the policy reads contact attributes it does not declare: `custmer`, `role`");
    expect(warning?.hint).toBe("declare them, as in `attributes { custmer: boolean  role: string }`");
  });

  it("without declarations is listed by one undeclared-vocabulary warning at the policy's name (YAML)", () => {
    const text = `${YAML_HEAD}rules:\n  - { never: any, when: 'contact.custmer == true' }\n`;
    expect(found(text, "p.heed.yaml")).toEqual(["1:10 warning undeclared-vocabulary"]);
    expect(diagnostics(text, "p.heed.yaml")[0]?.hint).toBe("declare them, as in `attributes: { custmer: boolean }`");
  });

  it("the contact's own fields need no declaration", () => {
    const text = `${DSL_HEAD}  attributes { }\n  never any when contact.id == "c1" or contact.timezone == "UTC"\n}\n`;
    expect(found(text, "p.heed")).toEqual([]);
  });
});

describe("a misspelled signal", () => {
  it("is the warning unknown-signal with the nearest known type (DSL)", () => {
    const text = `${DSL_HEAD}  start stage a { allow email }\n  final stage closed\n  on unsubscribed move to closed\n}\n`;
    expect(found(text, "p.heed").filter((d) => d.includes("signal"))).toEqual(["5:6 warning unknown-signal"]);
    expect(messages(text, "p.heed")).toContain("unknown signal `unsubscribed` (did you mean `unsubscribe`?)");
  });

  it("is the warning unknown-signal (YAML)", () => {
    const text = `${YAML_HEAD}rules:\n  - { never: call, within: 2 days, of: content_downlaod }\n`;
    expect(found(text, "p.heed.yaml")).toEqual(["4:40 warning unknown-signal"]);
  });

  it("is an error once the policy declares its signals (DSL)", () => {
    const text = `${DSL_HEAD}  signals { webinar_attended }\n  start stage a { allow email }\n  final stage closed\n  on unsubscribed move to closed\n  never call after webinar_atended\n}\n`;
    expect(found(text, "p.heed")).toEqual(["6:6 error unknown-signal", "7:20 error unknown-signal"]);
    expect(messages(text, "p.heed")).toEqual([
      "unknown signal `unsubscribed` (did you mean `unsubscribe`?)",
      "unknown signal `webinar_atended` (did you mean `webinar_attended`?)",
    ]);
  });

  it("is an error once the policy declares its signals (YAML), in `engagement` too", () => {
    const text = `${YAML_HEAD}engagement: [reply, demo_requested]\nsignals: { demo_request: {} }\n`;
    expect(found(text, "p.heed.yaml")).toEqual(["3:21 error unknown-signal"]);
  });

  it("built-in signals, `auto_reply` among them, need no declaration", () => {
    const text = `${DSL_HEAD}  signals { demo_request }\n  never call after auto_reply\n  never call within 2 days of demo_request\n}\n`;
    expect(found(text, "p.heed")).toEqual([]);
  });
});

describe("types against the declarations", () => {
  const head = `${DSL_HEAD}  attributes {\n    customer: boolean\n    role: "analyst" | "student"\n    products: list\n    score: number\n  }\n`;
  const at = (condition: string): string[] => found(`${head}  never any when ${condition}\n}\n`, "p.heed");
  const said = (condition: string): string => messages(`${head}  never any when ${condition}\n}\n`, "p.heed")[0] ?? "";

  it("a boolean against a string", () => {
    expect(at('contact.customer == "yes"')).toEqual(["9:18 error type-mismatch"]);
    expect(said('contact.customer == "yes"')).toBe('`contact.customer == "yes"` can never hold: `contact.customer` is a boolean and `"yes"` a string');
  });

  it("an order on a boolean or a list", () => {
    expect(at("contact.customer < true")).toEqual(["9:18 error type-mismatch"]);
    expect(said("contact.products >= 2")).toBe("`contact.products >= 2` can never hold: `>=` orders numbers and strings, and `contact.products` is a list");
  });

  it("a choice against a literal it does not list, alone or in a list", () => {
    expect(said('contact.role == "analsyt"')).toBe('`contact.role == "analsyt"` can never hold: `contact.role` is one of `"analyst"`, `"student"`, not `"analsyt"` (did you mean `"analyst"`?)');
    expect(at('contact.role in ["analyst", "studnet"]')).toEqual(["9:46 error type-mismatch"]);
  });

  it("`in` whose right side is not a list", () => {
    expect(at('touch.product in contact.role')).toEqual(["9:35 error type-mismatch"]);
    expect(at('touch.product in "x"')).toEqual(["9:35 error type-mismatch"]);
  });

  it("comparisons that can hold are accepted", () => {
    expect(at('contact.customer == true and contact.role in ["analyst"] and touch.product in contact.products and contact.score >= 3')).toEqual([]);
    expect(at('contact.role != "student" and not exists contact.score')).toEqual([]);
  });

  it("in YAML, at the offending value", () => {
    const text = `${YAML_HEAD}attributes: { customer: boolean }\nrules:\n  - { never: any, when: 'contact.customer == "yes"' }\n`;
    expect(found(text, "p.heed.yaml")).toEqual(["5:26 error type-mismatch"]);
  });

  it("a declared signal's props are typed too", () => {
    const text = `${DSL_HEAD}  signals { reply { sentiment: "positive" | "negative" } }\n  start stage a { allow email }\n  final stage b\n  on reply where sentiment == "negatve" move to b\n}\n`;
    expect(found(text, "p.heed")).toEqual(["6:31 error type-mismatch"]);
  });
});

describe("declarations", () => {
  it("an attribute, signal or prop declared twice is duplicate-declaration", () => {
    const text = `${DSL_HEAD}  attributes { role: string, role: list }\n  signals {\n    reply { a: string, a: number }\n    reply\n  }\n}\n`;
    expect(found(text, "p.heed")).toEqual(["3:30 error duplicate-declaration", "5:24 error duplicate-declaration", "6:5 error duplicate-declaration"]);
  });
});

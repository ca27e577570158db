import fc from "fast-check";
import { describe, expect, it } from "vitest";

import type { CompareOp, DurationUnit, Expr, Literal, Operand } from "../../src/ast.js";
import { compileCondition, evaluateCondition, resolveOperand } from "../../src/engine/conditions.js";
import type { ConditionScope, Counters } from "../../src/engine/conditions.js";

// ---------------------------------------------------------------- AST builders

const path = (text: string): Operand => ({ kind: "path", segments: text.split(".") });
const lit = (value: string | number | boolean): Literal => ({ kind: "literal", value });
const list = (...values: (string | number | boolean)[]): Operand => ({ kind: "list", items: values.map(lit) });
const duration = (amount: number, unit: DurationUnit): Operand => ({ kind: "duration", amount, unit });
const operand = (value: Operand | string | number | boolean): Operand => (typeof value === "object" ? value : lit(value));
const cmp = (left: Operand | string, op: CompareOp, right: Operand | string | number | boolean): Expr => ({
  kind: "compare",
  op,
  left: typeof left === "string" ? path(left) : left,
  right: operand(right),
});
const isIn = (left: Operand | string, right: Operand | string, negated = false): Expr => ({
  kind: "in",
  negated,
  left: typeof left === "string" ? path(left) : left,
  right: typeof right === "string" ? path(right) : right,
});
const exists = (text: string): Expr => ({ kind: "exists", path: { kind: "path", segments: text.split(".") } });
const and = (left: Expr, right: Expr): Expr => ({ kind: "and", left, right });
const or = (left: Expr, right: Expr): Expr => ({ kind: "or", left, right });
const not = (expr: Expr): Expr => ({ kind: "not", expr });

const DAY = 24 * 3_600_000;
const counters: Counters = { ignored: 2, touches: 3, total_touches: 7, time_in_stage: 31 * DAY };

const scope: ConditionScope = {
  contact: {
    id: "c1",
    timezone: "America/New_York",
    attributes: { role: "analyst", customer: true, score: 42, products: ["crm", "dialer"], tier: "Gold", nested: "x" },
  },
  touch: { channel: "email", tags: ["meeting-ask", "q3"], product: "crm", campaign: "acquisition", meta: { locale: "en" } },
  signal: { type: "reply", sentiment: "negative", prefers: "email", score: 0.5 },
  counters,
};

const holds = (expr: Expr, s: ConditionScope = scope): boolean => evaluateCondition(expr, s);

// ---------------------------------------------------------------- paths

describe("resolveOperand", () => {
  it("reads the contact's own fields and its attributes, both spellings", () => {
    expect(resolveOperand(path("contact.id"), scope)).toBe("c1");
    expect(resolveOperand(path("contact.timezone"), scope)).toBe("America/New_York");
    expect(resolveOperand(path("contact.role"), scope)).toBe("analyst");
    expect(resolveOperand(path("contact.attributes.role"), scope)).toBe("analyst");
    expect(resolveOperand(path("contact.products"), scope)).toEqual(["crm", "dialer"]);
  });

  it("reads the touch's props, the signal's props and the counters", () => {
    expect(resolveOperand(path("touch.channel"), scope)).toBe("email");
    expect(resolveOperand(path("touch.tags"), scope)).toEqual(["meeting-ask", "q3"]);
    expect(resolveOperand(path("touch.meta.locale"), scope)).toBe("en");
    expect(resolveOperand(path("signal.sentiment"), scope)).toBe("negative");
    expect(resolveOperand(path("event.prefers"), scope)).toBe("email");
    expect(resolveOperand(path("sentiment"), scope)).toBe("negative");
    expect(resolveOperand(path("ignored"), scope)).toBe(2);
    expect(resolveOperand(path("time_in_stage"), scope)).toBe(31 * DAY);
  });

  it("reads a bare counter name as a signal prop when no counters are in scope", () => {
    const withoutCounters: ConditionScope = { contact: { id: "c" }, signal: { touches: "many" } };
    expect(resolveOperand(path("touches"), withoutCounters)).toBe("many");
  });

  it("turns a duration into its length and literals into their values", () => {
    expect(resolveOperand(duration(30, "days"), scope)).toBe(30 * DAY);
    expect(resolveOperand(duration(2, "hours"), scope)).toBe(2 * 3_600_000);
    expect(resolveOperand(duration(2, "business-days"), scope)).toBeUndefined();
    expect(resolveOperand(list("a", 1, true), scope)).toEqual(["a", 1, true]);
  });

  it("finds nothing for absent names, inherited properties or steps through non-objects", () => {
    for (const text of [
      "contact.missing",
      "contact.attributes.missing",
      "contact.constructor",
      "contact.attributes.__proto__",
      "contact.role.length",
      "contact.id.length",
      "touch.toString",
      "touch.missing.deeper",
      "signal.missing",
      "nope",
      "contact",
      "touch",
    ]) {
      expect(resolveOperand(path(text), scope), text).toBeUndefined();
    }
  });
});

// ---------------------------------------------------------------- operators

describe("comparisons", () => {
  it("== and != on strings (exact, case-sensitive), numbers and booleans", () => {
    expect(holds(cmp("contact.role", "==", "analyst"))).toBe(true);
    expect(holds(cmp("contact.role", "==", "Analyst"))).toBe(false);
    expect(holds(cmp("contact.role", "!=", "Analyst"))).toBe(true);
    expect(holds(cmp("contact.score", "==", 42))).toBe(true);
    expect(holds(cmp("contact.score", "==", "42"))).toBe(false);
    expect(holds(cmp("contact.customer", "==", true))).toBe(true);
    expect(holds(cmp("contact.customer", "!=", true))).toBe(false);
  });

  it("== compares lists element by element", () => {
    expect(holds(cmp("contact.products", "==", list("crm", "dialer")))).toBe(true);
    expect(holds(cmp("contact.products", "==", list("dialer", "crm")))).toBe(false);
    expect(holds(cmp("contact.products", "==", list("crm")))).toBe(false);
    expect(holds(cmp("contact.products", "!=", list("crm")))).toBe(true);
    expect(holds(cmp("contact.products", "==", "crm"))).toBe(false);
  });

  it("< <= > >= between two numbers", () => {
    expect(holds(cmp("touches", "<", 4))).toBe(true);
    expect(holds(cmp("touches", "<", 3))).toBe(false);
    expect(holds(cmp("touches", "<=", 3))).toBe(true);
    expect(holds(cmp("touches", ">", 3))).toBe(false);
    expect(holds(cmp("touches", ">=", 3))).toBe(true);
    expect(holds(cmp("total_touches", ">", 6))).toBe(true);
  });

  it("< <= > >= between two strings, and false between a string and a number", () => {
    expect(holds(cmp("contact.tier", "<", "Silver"))).toBe(true);
    expect(holds(cmp("contact.tier", ">=", "Gold"))).toBe(true);
    expect(holds(cmp("contact.tier", ">", "Gold"))).toBe(false);
    expect(holds(cmp("contact.score", "<", "100"))).toBe(false);
    expect(holds(cmp("contact.score", ">=", "1"))).toBe(false);
    expect(holds(cmp("contact.customer", ">", false))).toBe(false);
  });

  it("compares time in stage with a duration", () => {
    expect(holds(cmp("time_in_stage", ">=", duration(30, "days")))).toBe(true);
    expect(holds(cmp("time_in_stage", ">", duration(5, "weeks")))).toBe(false);
    expect(holds(cmp("time_in_stage", "<", duration(745, "hours")))).toBe(true);
  });

  it("a missing operand makes == < <= > >= false and != true", () => {
    const absent = "contact.missing";
    for (const op of ["==", "<", "<=", ">", ">="] as const) {
      expect(holds(cmp(absent, op, 1)), `missing ${op} 1`).toBe(false);
      expect(holds(cmp(absent, op, "x")), `missing ${op} "x"`).toBe(false);
      expect(holds(cmp(lit(1), op, path(absent))), `1 ${op} missing`).toBe(false);
    }
    expect(holds(cmp(absent, "!=", 1))).toBe(true);
    expect(holds(cmp(absent, "!=", path("contact.other")))).toBe(true);
    // Two missing values are not equal to each other either.
    expect(holds(cmp(absent, "==", path("contact.other")))).toBe(false);
  });

  it("a null prop is missing", () => {
    const withNull: ConditionScope = { contact: { id: "c" }, touch: { campaign: null } };
    expect(holds(exists("touch.campaign"), withNull)).toBe(false);
    expect(holds(cmp("touch.campaign", "!=", "acquisition"), withNull)).toBe(true);
  });
});

describe("in and not in", () => {
  it("tests membership in a list literal", () => {
    expect(holds(isIn("contact.role", list("analyst", "student")))).toBe(true);
    expect(holds(isIn("contact.role", list("marketer")))).toBe(false);
    expect(holds(isIn("contact.role", list("marketer"), true))).toBe(true);
    expect(holds(isIn("contact.role", list("analyst"), true))).toBe(false);
    expect(holds(isIn("contact.score", list(41, 42)))).toBe(true);
    expect(holds(isIn("contact.score", list("42")))).toBe(false);
  });

  it("tests membership in an attribute that is a list (touch.product in contact.products)", () => {
    expect(holds(isIn("touch.product", "contact.products"))).toBe(true);
    const other: ConditionScope = { ...scope, touch: { channel: "email", product: "billing" } };
    expect(holds(isIn("touch.product", "contact.products"), other)).toBe(false);
    expect(holds(isIn("touch.product", "contact.products", true), other)).toBe(true);
  });

  it("holds for a list on the left when any of its elements is in the right side", () => {
    expect(holds(isIn("touch.tags", list("q3", "q4")))).toBe(true);
    expect(holds(isIn("touch.tags", list("q1")))).toBe(false);
    expect(holds(isIn("touch.tags", list("q1"), true))).toBe(true);
    expect(holds(isIn("contact.products", "contact.products"))).toBe(true);
    const noTags: ConditionScope = { ...scope, touch: { channel: "email", tags: [] } };
    expect(holds(isIn("touch.tags", list("q3")), noTags)).toBe(false);
  });

  it("a literal in a list-valued path", () => {
    expect(holds(isIn(lit("meeting-ask"), "touch.tags"))).toBe(true);
    expect(holds(isIn(lit("intro"), "touch.tags"))).toBe(false);
  });

  it("a missing side makes in false and not in true", () => {
    expect(holds(isIn("contact.missing", list("a")))).toBe(false);
    expect(holds(isIn("contact.missing", list("a"), true))).toBe(true);
    expect(holds(isIn("contact.role", "contact.missing"))).toBe(false);
    expect(holds(isIn("contact.role", "contact.missing", true))).toBe(true);
  });

  it("a right side that is not a list makes in false (no substring matching)", () => {
    expect(holds(isIn(lit("ana"), "contact.role"))).toBe(false);
    expect(holds(isIn(lit("analyst"), "contact.role"))).toBe(false);
    expect(holds(isIn(lit("analyst"), "contact.role", true))).toBe(true);
  });
});

describe("exists, not, and, or", () => {
  it("exists tests presence", () => {
    expect(holds(exists("contact.role"))).toBe(true);
    expect(holds(exists("contact.attributes.role"))).toBe(true);
    expect(holds(exists("contact.missing"))).toBe(false);
    expect(holds(exists("touch.campaign"))).toBe(true);
    expect(holds(exists("sentiment"))).toBe(true);
    expect(holds(exists("intent"))).toBe(false);
    expect(holds(not(exists("contact.missing")))).toBe(true);
    // A false attribute is present.
    const falseCustomer: ConditionScope = { contact: { id: "c", attributes: { customer: false } } };
    expect(holds(exists("contact.customer"), falseCustomer)).toBe(true);
  });

  it("not negates", () => {
    expect(holds(not(cmp("contact.role", "==", "analyst")))).toBe(false);
    expect(holds(not(not(cmp("contact.role", "==", "analyst"))))).toBe(true);
    expect(holds(not(cmp("contact.missing", "==", 1)))).toBe(true);
  });

  it("and / or follow the shape of the AST", () => {
    const t = cmp("contact.role", "==", "analyst");
    const f = cmp("contact.role", "==", "student");
    expect(holds(and(t, t))).toBe(true);
    expect(holds(and(t, f))).toBe(false);
    expect(holds(or(f, t))).toBe(true);
    expect(holds(or(f, f))).toBe(false);
    // `f and f or t` parses as `(f and f) or t`; `f and (f or t)` is a different tree.
    expect(holds(or(and(f, f), t))).toBe(true);
    expect(holds(and(f, or(f, t)))).toBe(false);
    // `not f and t` is `(not f) and t`.
    expect(holds(and(not(f), t))).toBe(true);
    expect(holds(not(and(f, t)))).toBe(true);
  });

  it("evaluates the spec's example conditions", () => {
    // never any when contact.customer == true and touch.campaign == "acquisition"
    expect(holds(and(cmp("contact.customer", "==", true), cmp("touch.campaign", "==", "acquisition")))).toBe(true);
    // total_touches == 0 or (touches >= 3 and time_in_stage > 14 days)
    const example = or(cmp("total_touches", "==", 0), and(cmp("touches", ">=", 3), cmp("time_in_stage", ">", duration(14, "days"))));
    expect(holds(example)).toBe(true);
    expect(holds(example, { ...scope, counters: { ...counters, touches: 2 } })).toBe(false);
    expect(holds(example, { ...scope, counters: { ...counters, total_touches: 0, touches: 0 } })).toBe(true);
  });
});

// ---------------------------------------------------------------- robustness

describe("robustness", () => {
  it("returns false for malformed nodes instead of throwing", () => {
    const garbage = [
      { kind: "mystery" },
      { kind: "compare", op: "~=", left: lit(1), right: lit(1) },
      { kind: "compare", op: "==" },
      { kind: "not" },
      { kind: "not", expr: { kind: "mystery" } },
      { kind: "and", left: null, right: null },
      { kind: "in", negated: false, left: { kind: "path", segments: null }, right: { kind: "list", items: null } },
      { kind: "exists", path: { kind: "path", segments: [1, {}, null] } },
      null,
      42,
    ];
    for (const expr of garbage) {
      expect(evaluateCondition(expr as unknown as Expr, scope), JSON.stringify(expr)).toBe(false);
    }
  });

  it("survives hostile input values: getters that throw and deep nesting", () => {
    const hostile: ConditionScope = {
      contact: {
        id: "c",
        get attributes(): never {
          throw new Error("boom");
        },
      },
    };
    expect(evaluateCondition(cmp("contact.role", "==", "x"), hostile)).toBe(false);
    let deep: Expr = cmp("contact.role", "==", "analyst");
    for (let i = 0; i < 100_000; i++) deep = not(deep);
    expect(() => evaluateCondition(deep, scope)).not.toThrow();
  });

  const anyValue = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }),
    fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
  );
  const segment = fc.oneof(
    fc.constantFrom("contact", "touch", "signal", "event", "attributes", "role", "id", "tags", "__proto__", "constructor", "touches"),
    fc.string(),
  );
  const arbOperand: fc.Arbitrary<Operand> = fc.oneof(
    fc.array(segment, { maxLength: 4 }).map((segments): Operand => ({ kind: "path", segments })),
    fc.oneof(fc.string(), fc.double(), fc.boolean()).map((value): Operand => ({ kind: "literal", value })),
    fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }).map((values) => list(...values)),
    fc.record({ amount: fc.double(), unit: fc.constantFrom<DurationUnit>("minutes", "hours", "days", "weeks", "business-days") }).map(
      ({ amount, unit }) => duration(amount, unit),
    ),
  );
  const { expr: arbExpr } = fc.letrec<{ expr: Expr }>((tie) => ({
    expr: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.record({ kind: fc.constant("compare" as const), op: fc.constantFrom<CompareOp>("==", "!=", "<", "<=", ">", ">="), left: arbOperand, right: arbOperand }),
      fc.record({ kind: fc.constant("in" as const), negated: fc.boolean(), left: arbOperand, right: arbOperand }),
      fc.array(segment, { maxLength: 4 }).map((segments): Expr => ({ kind: "exists", path: { kind: "path", segments } })),
      fc.record({ kind: fc.constant("and" as const), left: tie("expr"), right: tie("expr") }),
      fc.record({ kind: fc.constant("or" as const), left: tie("expr"), right: tie("expr") }),
      fc.record({ kind: fc.constant("not" as const), expr: tie("expr") }),
    ),
  }));
  const arbScope: fc.Arbitrary<ConditionScope> = fc.record(
    {
      contact: fc.record({ id: fc.string(), timezone: fc.string(), attributes: fc.dictionary(fc.string(), anyValue as fc.Arbitrary<never>) }, {
        requiredKeys: ["id"],
      }),
      touch: fc.dictionary(segment, anyValue),
      signal: fc.dictionary(segment, anyValue),
      counters: fc.record({ ignored: fc.nat(), touches: fc.nat(), total_touches: fc.nat(), time_in_stage: fc.nat() }),
    },
    { requiredKeys: ["contact"] },
  );

  it("a compiled condition answers as evaluating the tree does (property: arbitrary scopes and expressions)", () => {
    fc.assert(
      fc.property(arbExpr, arbScope, (expr, s) => {
        expect(compileCondition(expr)(s)).toBe(evaluateCondition(expr, s));
      }),
      { numRuns: 1000 },
    );
  });

  it("a compiled condition is false for malformed nodes and hostile values, as evaluation is", () => {
    const garbage = [
      { kind: "mystery" },
      { kind: "compare", op: "~=", left: lit(1), right: lit(1) },
      { kind: "compare", op: "==" },
      { kind: "not", expr: { kind: "mystery" } },
      { kind: "and", left: null, right: null },
      { kind: "or", left: cmp("contact.role", "==", "marketer"), right: null },
      { kind: "in", negated: true, left: { kind: "path", segments: null }, right: { kind: "list", items: null } },
      { kind: "exists", path: { kind: "path", segments: [1, {}, null] } },
      null,
      42,
    ];
    for (const expr of garbage) {
      const e = expr as unknown as Expr;
      expect(compileCondition(e)(scope), JSON.stringify(expr)).toBe(evaluateCondition(e, scope));
    }
    const hostile: ConditionScope = {
      contact: {
        id: "c",
        get attributes(): never {
          throw new Error("boom");
        },
      },
    };
    for (const e of [cmp("contact.role", "==", "x"), cmp("contact.role", "!=", "x"), cmp("contact.attributes.role", "!=", "x")]) {
      expect(compileCondition(e)(hostile)).toBe(evaluateCondition(e, hostile));
    }
  });

  it("evaluating a condition never throws and always gives a boolean (property: arbitrary scopes and expressions)", () => {
    fc.assert(
      fc.property(arbExpr, arbScope, (expr, s) => {
        const result = evaluateCondition(expr, s);
        expect(typeof result).toBe("boolean");
      }),
      { numRuns: 300 },
    );
  });

  it("!= is the negation of == and not in of in (property: missing-value semantics stay complementary)", () => {
    fc.assert(
      fc.property(arbOperand, arbOperand, arbScope, (left, right, s) => {
        expect(evaluateCondition({ kind: "compare", op: "!=", left, right }, s)).toBe(
          !evaluateCondition({ kind: "compare", op: "==", left, right }, s),
        );
        expect(evaluateCondition({ kind: "in", negated: true, left, right }, s)).toBe(
          !evaluateCondition({ kind: "in", negated: false, left, right }, s),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("== is symmetric and < mirrors > (property)", () => {
    fc.assert(
      fc.property(arbOperand, arbOperand, arbScope, (left, right, s) => {
        const holdsFor = (op: CompareOp, a: Operand, b: Operand): boolean => evaluateCondition({ kind: "compare", op, left: a, right: b }, s);
        expect(holdsFor("==", left, right)).toBe(holdsFor("==", right, left));
        expect(holdsFor("<", left, right)).toBe(holdsFor(">", right, left));
        expect(holdsFor("<=", left, right)).toBe(holdsFor(">=", right, left));
      }),
      { numRuns: 200 },
    );
  });

  it("a scalar is in a one-element list exactly when it equals the element (property)", () => {
    fc.assert(
      fc.property(arbScope, fc.oneof(fc.string(), fc.integer(), fc.boolean()), fc.constantFrom("contact.role", "touch.campaign", "sentiment", "touches"), (s, value, name) => {
        const left = path(name);
        const resolved = resolveOperand(left, s);
        fc.pre(!Array.isArray(resolved));
        expect(evaluateCondition(isIn(left, list(value)), s)).toBe(evaluateCondition(cmp(left, "==", value), s));
        if (typeof resolved === "string" || typeof resolved === "boolean" || (typeof resolved === "number" && !Number.isNaN(resolved))) {
          expect(evaluateCondition(isIn(left, list(resolved)), s)).toBe(true);
          expect(evaluateCondition(cmp(left, "==", resolved), s)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("ordering comparisons with a missing side are false (property)", () => {
    fc.assert(
      fc.property(arbOperand, fc.constantFrom<CompareOp>("==", "<", "<=", ">", ">="), arbScope, (other, op, s) => {
        const missing = path("contact.attributes.__heed_absent__");
        expect(evaluateCondition({ kind: "compare", op, left: missing, right: other }, s)).toBe(false);
        expect(evaluateCondition({ kind: "compare", op, left: other, right: missing }, s)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

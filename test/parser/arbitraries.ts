/**
 * fast-check generators of policy ASTs and of broken policy texts, shared by
 * the property tests and `scripts/fuzz.ts`.
 */

import fc from "fast-check";
import type * as A from "../../src/ast.js";
import { SIMPLE_TYPES } from "../../src/ast.js";
import { KEYWORDS } from "../../src/lexer/tokens.js";

/** Channel names whose plural maps back to them among each other (`calls` -> `call`). */
export const CHANNEL_POOL = [
  "email",
  "call",
  "sms",
  "linkedin",
  "calendar-invite",
  "whatsapp",
  "direct-mail",
  "voicemail",
] as const;

const keywordSet = new Set(KEYWORDS);

/** An identifier that is no keyword: `nurture`, `email-only`, `content_download`. */
export const arbName: fc.Arbitrary<string> = fc
  .tuple(
    fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/),
    fc.option(fc.stringMatching(/^[a-z0-9_]{1,5}$/), { nil: undefined }),
  )
  .map(([head, tail]) => (tail === undefined ? head : `${head}-${tail}`))
  .filter((name) => !keywordSet.has(name));

const ident = (name: string): A.Ident => ({ name });

const arbDurationUnit: fc.Arbitrary<A.DurationUnit> = fc.constantFrom(
  "minutes",
  "hours",
  "days",
  "weeks",
  "business-days",
);

export const arbDuration: fc.Arbitrary<A.Duration> = fc.record({
  kind: fc.constant("duration" as const),
  amount: fc.integer({ min: 0, max: 1000 }),
  unit: arbDurationUnit,
});

export const arbWindow: fc.Arbitrary<A.Window> = fc.oneof(
  fc.record({ kind: fc.constant("calendar" as const), unit: fc.constantFrom("day" as const, "week" as const) }),
  fc.record({
    kind: fc.constant("rolling" as const),
    amount: fc.integer({ min: 0, max: 1000 }),
    unit: fc.constantFrom("minutes" as const, "hours" as const, "days" as const, "weeks" as const),
  }),
);

export const arbTime: fc.Arbitrary<A.TimeOfDay> = fc.record({
  hour: fc.integer({ min: 0, max: 23 }),
  minute: fc.integer({ min: 0, max: 59 }),
});

const arbLiteral: fc.Arbitrary<A.Literal> = fc.record({
  kind: fc.constant("literal" as const),
  value: fc.oneof(
    fc.string({ maxLength: 12, unit: "binary" }),
    fc.integer({ min: -100000, max: 100000 }).filter((n) => !Object.is(n, -0)),
    fc.integer({ min: -1000, max: 1000 }).map((n) => n + 0.5),
    fc.boolean(),
  ),
});

const arbPathHead = fc.oneof(arbName, fc.constantFrom("touch", "touches", "ignored"));
const arbSegment = fc.oneof(arbName, fc.constantFrom(...KEYWORDS));

export const arbPath: fc.Arbitrary<A.PathRef> = fc
  .tuple(arbPathHead, fc.array(arbSegment, { maxLength: 3 }))
  .map(([head, rest]) => ({ kind: "path", segments: [head, ...rest] }));

/** A simple condition for the `where` of a fact (spec section 8.2). */
const arbFactWhere: fc.Arbitrary<A.Expr | undefined> = fc.option(
  fc.record({ kind: fc.constant("compare" as const), op: fc.constantFrom("==" as const, "!=" as const, ">" as const), left: arbPath, right: arbLiteral }),
  { nil: undefined },
);

/** Channel sets inside `touches(...)` and `total_touches(...)`. */
const arbFactChannels: fc.Arbitrary<A.ChannelSet> = fc.oneof(
  fc.record({ kind: fc.constant("all" as const), word: fc.constantFrom("any" as const, "touches" as const) }),
  fc.array(arbName, { minLength: 1, maxLength: 3 }).map((names): A.ChannelSet => ({ kind: "list", channels: names.map(ident) })),
);

const arbFact: fc.Arbitrary<A.Operand> = fc.oneof(
  fc.record({ kind: fc.constant("count" as const), signal: arbName.map(ident), where: arbFactWhere }).map((f) => clean(f)),
  fc
    .record({ kind: fc.constant("last" as const), signal: arbName.map(ident), where: arbFactWhere, prop: fc.array(arbSegment, { minLength: 1, maxLength: 2 }) })
    .map((f) => clean(f)),
  fc.record({ kind: fc.constantFrom("touches" as const, "total_touches" as const), channels: arbFactChannels }),
);

const arbOperand: fc.Arbitrary<A.Operand> = fc.oneof(
  { weight: 3, arbitrary: arbPath },
  { weight: 3, arbitrary: arbLiteral },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("list" as const), items: fc.array(arbLiteral, { maxLength: 3 }) }) },
  { weight: 1, arbitrary: arbDuration },
  { weight: 1, arbitrary: arbFact },
);

export const arbExpr: fc.Arbitrary<A.Expr> = fc.letrec<{ expr: A.Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({
      kind: fc.constant("compare" as const),
      op: fc.constantFrom("==" as const, "!=" as const, "<" as const, "<=" as const, ">" as const, ">=" as const),
      left: arbOperand,
      right: arbOperand,
    }),
    fc.record({ kind: fc.constant("in" as const), negated: fc.boolean(), left: arbOperand, right: arbOperand }),
    fc.record({ kind: fc.constant("exists" as const), path: arbPath }),
    fc.record({ kind: fc.constant("seen" as const), signal: arbName.map(ident), where: arbFactWhere }).map((f): A.Expr => clean(f)),
    fc.record({ kind: fc.constant("and" as const), left: tie("expr"), right: tie("expr") }),
    fc.record({ kind: fc.constant("or" as const), left: tie("expr"), right: tie("expr") }),
    fc.record({ kind: fc.constant("not" as const), expr: tie("expr") }),
  ),
})).expr;

function arbChannelSet(channels: readonly string[]): fc.Arbitrary<A.ChannelSet> {
  const all = fc.record({ kind: fc.constant("all" as const), word: fc.constantFrom("any" as const, "touches" as const) });
  if (channels.length === 0) return all;
  return fc.oneof(
    all,
    fc
      .subarray([...channels], { minLength: 1 })
      .map((names): A.ChannelSet => ({ kind: "list", channels: names.map(ident) })),
  );
}

const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

/** Drops `undefined` fields so the generated AST looks like a parsed one. */
function clean<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

function arbRule(channels: readonly string[]): fc.Arbitrary<A.Rule> {
  const set = arbChannelSet(channels);
  const name = optional(fc.oneof(arbName, fc.constantFrom(...KEYWORDS)).map(ident));
  const tagged = optional(fc.string({ maxLength: 8 }).map((value): A.StringLit => ({ value })));
  const where = optional(arbExpr);
  return fc.oneof(
    fc.record({ kind: fc.constant("never-without" as const), name, channels: set, tagged, signal: arbName.map(ident), where }),
    fc.record({ kind: fc.constant("never-after" as const), name, channels: set, tagged, signal: arbName.map(ident), where }),
    fc.record({
      kind: fc.constant("never-within" as const),
      name,
      channels: set,
      tagged,
      duration: arbDuration,
      signal: arbName.map(ident),
      where,
    }),
    fc.record({ kind: fc.constant("never-when" as const), name, channels: set, tagged, when: arbExpr }),
    fc.record({ kind: fc.constant("never-when" as const), name, channels: set, tagged, unless: arbExpr }),
    fc.record({ kind: fc.constant("at-most" as const), name, count: fc.integer({ min: 0, max: 50 }), channels: set, window: arbWindow, by: optional(arbName.map(ident)) }),
    fc.record({ kind: fc.constant("at-most-account" as const), name, count: fc.integer({ min: 0, max: 50 }), channels: set, window: arbWindow }),
    fc.record({ kind: fc.constant("at-least" as const), name, duration: arbDuration, channels: set }),
    fc.record({ kind: fc.constant("quiet-hours" as const), name, start: arbTime, end: arbTime, channels: optional(set) }),
    fc.record({ kind: fc.constant("only-business-days" as const), name, channels: optional(set) }),
  )
    .map((rule) => rule as A.Rule)
    .chain((rule): fc.Arbitrary<A.Rule> =>
      // `when` or `unless` on every other form (spec section 8.3)
      rule.kind === "never-when"
        ? fc.constant(rule)
        : fc.constantFrom(undefined, "when" as const, "unless" as const).chain((word) => (word === undefined ? fc.constant(rule) : arbExpr.map((c): A.Rule => ({ ...rule, [word]: c })))),
    )
    .map((rule) => clean(rule));
}

const arbTrigger: fc.Arbitrary<A.Trigger> = fc.oneof(
  fc.record({ kind: fc.constant("ignored" as const), count: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ kind: fc.constant("touches" as const), count: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ kind: fc.constant("elapsed" as const), duration: arbDuration }),
  fc
    .record({ kind: fc.constant("signal" as const), signal: arbName.map(ident), where: optional(arbExpr) })
    .map((t) => clean(t)),
  fc.record({ kind: fc.constant("when" as const), condition: arbExpr }),
);

const arbTransition: fc.Arbitrary<A.Transition> = fc.record({ trigger: arbTrigger, target: arbName.map(ident) });

function arbStage(channels: readonly string[]): fc.Arbitrary<A.Stage> {
  return fc
    .record({
      name: arbName.map(ident),
      kind: fc.constantFrom("start", "final", "plain"),
      allow:
        channels.length === 0
          ? fc.constant(undefined)
          : optional(
              fc
                .subarray([...channels], { minLength: 1 })
                .map((names): A.ChannelList => ({ kind: "list", channels: names.map(ident) })),
            ),
      rules: fc.array(arbRule(channels), { maxLength: 3 }),
      transitions: fc.array(arbTransition, { maxLength: 3 }),
    })
    .map(({ name, kind, allow, rules, transitions }) =>
      clean({ name, start: kind === "start", final: kind === "final", allow, rules, transitions }),
    );
}

const arbDate = fc
  .tuple(fc.integer({ min: 2000, max: 2100 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
  .map(([y, m, d]): A.DateLit => ({ date: `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}` }));

/** A declared type: `string`, `number`, `boolean`, `list` or a choice of strings. */
const arbValueType: fc.Arbitrary<A.ValueType> = fc.oneof(
  fc.constantFrom(...SIMPLE_TYPES).map((kind): A.ValueType => ({ kind })),
  fc.array(fc.string({ maxLength: 8 }).map((value): A.StringLit => ({ value })), { minLength: 1, maxLength: 3 }).map((values): A.ValueType => ({ kind: "choice", values })),
);

/** Declarations; a name may be any word, keywords included, as after `contact.`. */
const arbDeclarations: fc.Arbitrary<A.Declaration[]> = fc.uniqueArray(
  fc.record({ name: fc.oneof(arbName, fc.constantFrom(...KEYWORDS)).map(ident), type: arbValueType }),
  { maxLength: 3, selector: (d) => d.name.name },
);

const arbAttributes: fc.Arbitrary<A.AttributesBlock> = arbDeclarations.map((declarations) => ({ declarations }));
const arbSignals: fc.Arbitrary<A.SignalsBlock> = fc
  .uniqueArray(fc.record({ name: arbName.map(ident), props: arbDeclarations }), { maxLength: 3, selector: (d) => d.name.name })
  .map((declarations) => ({ declarations }));

/** A policy AST as the DSL parser would produce it, spans aside. */
export const arbPolicy: fc.Arbitrary<A.Policy> = fc
  .subarray([...CHANNEL_POOL], { minLength: 0 })
  .chain((channels) =>
    fc.record({
      name: fc.string({ maxLength: 16 }).map((value): A.StringLit => ({ value })),
      appliesWhen: optional(arbExpr),
      timezone: optional(
        fc
          .record({ from: arbPath, fallback: optional(fc.string({ maxLength: 20 }).map((value): A.StringLit => ({ value }))) })
          .map((tz) => clean(tz)),
      ),
      channels: fc.constant(channels.map(ident)),
      engagement: optional(fc.array(arbName.map(ident), { minLength: 1, maxLength: 3 })),
      ignoreWindow: optional(arbDuration),
      holidays: optional(fc.array(arbDate, { minLength: 1, maxLength: 3 })),
      attributes: optional(arbAttributes),
      signals: optional(arbSignals),
      stages: fc.array(arbStage(channels), { maxLength: 3 }),
      transitions: fc.array(arbTransition, { maxLength: 2 }),
      rules: fc.array(arbRule(channels), { maxLength: 4 }),
    }),
  )
  .map((policy) => clean(policy as A.Policy));

/** One edit of a text cut into words: delete, duplicate or swap words, or drop a character. */
export type Mutation =
  | { kind: "delete"; at: number }
  | { kind: "duplicate"; at: number }
  | { kind: "swap"; at: number }
  | { kind: "drop-char"; at: number };

export const arbMutations: fc.Arbitrary<Mutation[]> = fc.array(
  fc.record({
    kind: fc.constantFrom("delete" as const, "duplicate" as const, "swap" as const, "drop-char" as const),
    at: fc.nat(),
  }),
  { minLength: 1, maxLength: 4 },
);

/** Applies mutations to `text`, word by word (whitespace kept). */
export function mutate(text: string, mutations: readonly Mutation[]): string {
  let pieces = text.split(/(\s+)/);
  for (const m of mutations) {
    const words = pieces.map((p, i) => [p, i] as const).filter(([p]) => p.trim() !== "");
    if (words.length === 0) break;
    const [word, index] = words[m.at % words.length]!;
    if (m.kind === "delete") pieces[index] = "";
    else if (m.kind === "duplicate") pieces[index] = `${word} ${word}`;
    else if (m.kind === "drop-char") pieces[index] = word.slice(0, m.at % word.length) + word.slice((m.at % word.length) + 1);
    else {
      const [other, otherIndex] = words[(m.at + 1) % words.length]!;
      pieces[index] = other;
      pieces[otherIndex] = word;
    }
    pieces = pieces.join("").split(/(\s+)/);
  }
  return pieces.join("");
}

/** Token-like soup: keywords, names and punctuation in random order. */
export const arbSoup: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom(...KEYWORDS),
      fc.constantFrom("{", "}", "[", "]", "(", ")", ",", ":", ".", "-", "==", "=", "<", ">=", '"', '"x"', "#c\n", "\n"),
      fc.constantFrom("21:00", "24:00", "2026-11-26", "3", "-1", "1.5", "cadence \"p\" {"),
      arbName,
    ),
    { maxLength: 60 },
  )
  .map((words) => words.join(" "));

/**
 * A small builder of policy ASTs for engine tests, independent of the parser.
 */

import type {
  ChannelSet,
  Duration,
  DurationUnit,
  Expr,
  Operand,
  Policy,
  Rule,
  Stage,
  Transition,
  Trigger,
  Window,
} from "../../src/ast.js";

export function dur(text: string): Duration {
  const m = /^(\d+) (minutes?|hours?|days?|weeks?|business days?)$/.exec(text);
  if (!m) throw new Error(`bad duration ${text}`);
  const word = m[2]!;
  const unit: DurationUnit = word.startsWith("business")
    ? "business-days"
    : ((word.endsWith("s") ? word : `${word}s`) as DurationUnit);
  return { kind: "duration", amount: Number(m[1]), unit };
}

export function chans(list: string | readonly string[]): ChannelSet {
  if (list === "any" || list === "touches") return { kind: "all", word: list };
  const names = typeof list === "string" ? [list] : list;
  return { kind: "list", channels: names.map((name) => ({ name })) };
}

export function win(text: string): Window {
  if (text === "day" || text === "week") return { kind: "calendar", unit: text };
  const d = dur(text);
  if (d.unit === "business-days") throw new Error("no business-day windows");
  return { kind: "rolling", amount: d.amount, unit: d.unit };
}

function hm(text: string): { hour: number; minute: number } {
  const [h, m] = text.split(":").map(Number);
  return { hour: h!, minute: m! };
}

const path = (p: string): Operand => ({ kind: "path", segments: p.split(".") });
const lit = (v: string | number | boolean): Operand => ({ kind: "literal", value: v });

/** Conditions: `c.eq("contact.role", "analyst")`, `c.and(a, b)` ... */
export const c = {
  eq: (p: string, v: string | number | boolean): Expr => ({ kind: "compare", op: "==", left: path(p), right: lit(v) }),
  ne: (p: string, v: string | number | boolean): Expr => ({ kind: "compare", op: "!=", left: path(p), right: lit(v) }),
  gt: (p: string, v: number): Expr => ({ kind: "compare", op: ">", left: path(p), right: lit(v) }),
  ge: (p: string, v: number): Expr => ({ kind: "compare", op: ">=", left: path(p), right: lit(v) }),
  in: (p: string, items: string[]): Expr => ({
    kind: "in",
    negated: false,
    left: path(p),
    right: { kind: "list", items: items.map((value) => ({ kind: "literal", value })) },
  }),
  inPath: (p: string, q: string): Expr => ({ kind: "in", negated: false, left: path(p), right: path(q) }),
  exists: (p: string): Expr => ({ kind: "exists", path: { kind: "path", segments: p.split(".") } }),
  and: (left: Expr, right: Expr): Expr => ({ kind: "and", left, right }),
  or: (left: Expr, right: Expr): Expr => ({ kind: "or", left, right }),
  not: (expr: Expr): Expr => ({ kind: "not", expr }),
};

const named = <T extends Rule>(rule: T, name?: string): T => (name ? { ...rule, name: { name } } : rule);

/** Rules. */
export const r = {
  without: (ch: string | string[], signal: string, opts: { where?: Expr; name?: string; tagged?: string } = {}): Rule =>
    named(
      {
        kind: "never-without",
        channels: chans(ch),
        signal: { name: signal },
        ...(opts.where ? { where: opts.where } : {}),
        ...(opts.tagged ? { tagged: { value: opts.tagged } } : {}),
      },
      opts.name,
    ),
  after: (ch: string | string[], signal: string, opts: { where?: Expr; name?: string } = {}): Rule =>
    named({ kind: "never-after", channels: chans(ch), signal: { name: signal }, ...(opts.where ? { where: opts.where } : {}) }, opts.name),
  within: (ch: string | string[], d: string, signal: string, opts: { where?: Expr; name?: string } = {}): Rule =>
    named(
      { kind: "never-within", channels: chans(ch), duration: dur(d), signal: { name: signal }, ...(opts.where ? { where: opts.where } : {}) },
      opts.name,
    ),
  when: (ch: string | string[], when: Expr, opts: { name?: string; tagged?: string } = {}): Rule =>
    named({ kind: "never-when", channels: chans(ch), when, ...(opts.tagged ? { tagged: { value: opts.tagged } } : {}) }, opts.name),
  atMost: (count: number, ch: string | string[], w: string, name?: string): Rule =>
    named({ kind: "at-most", count, channels: chans(ch), window: win(w) }, name),
  atLeast: (d: string, ch: string | string[], name?: string): Rule =>
    named({ kind: "at-least", duration: dur(d), channels: chans(ch) }, name),
  quiet: (start: string, end: string, ch?: string | string[], name?: string): Rule =>
    named({ kind: "quiet-hours", start: hm(start), end: hm(end), ...(ch ? { channels: chans(ch) } : {}) }, name),
  businessDays: (ch?: string | string[], name?: string): Rule =>
    named({ kind: "only-business-days", ...(ch ? { channels: chans(ch) } : {}) }, name),
};

/** Transitions. */
export const t = {
  ignored: (count: number, target: string): Transition => tr({ kind: "ignored", count }, target),
  touches: (count: number, target: string): Transition => tr({ kind: "touches", count }, target),
  elapsed: (d: string, target: string): Transition => tr({ kind: "elapsed", duration: dur(d) }, target),
  on: (signal: string, target: string, where?: Expr): Transition =>
    tr({ kind: "signal", signal: { name: signal }, ...(where ? { where } : {}) }, target),
  when: (condition: Expr, target: string): Transition => tr({ kind: "when", condition }, target),
};

function tr(trigger: Trigger, target: string): Transition {
  return { trigger, target: { name: target } };
}

export function stage(
  name: string,
  opts: { start?: boolean; final?: boolean; allow?: string[]; rules?: Rule[]; transitions?: Transition[]; line?: number } = {},
): Stage {
  return {
    name: { name },
    start: opts.start ?? false,
    final: opts.final ?? false,
    ...(opts.allow ? { allow: { kind: "list", channels: opts.allow.map((n) => ({ name: n })) } } : {}),
    rules: opts.rules ?? [],
    transitions: opts.transitions ?? [],
    ...(opts.line ? { span: { line: opts.line, column: 3, endLine: opts.line, endColumn: 10 } } : {}),
  };
}

export interface PolicyOptions {
  timezone?: string | null;
  channels?: string[];
  engagement?: string[];
  ignoreWindow?: string;
  holidays?: string[];
  stages?: Stage[];
  transitions?: Transition[];
  rules?: Rule[];
  appliesWhen?: Expr;
}

export function policy(name: string, opts: PolicyOptions = {}): Policy {
  return {
    name: { value: name },
    ...(opts.appliesWhen ? { appliesWhen: opts.appliesWhen } : {}),
    ...(opts.timezone !== undefined && opts.timezone !== null
      ? { timezone: { from: { kind: "path", segments: ["contact", "timezone"] }, fallback: { value: opts.timezone } } }
      : {}),
    channels: (opts.channels ?? ["email", "call", "sms", "linkedin", "calendar-invite"]).map((n) => ({ name: n })),
    ...(opts.engagement ? { engagement: opts.engagement.map((n) => ({ name: n })) } : {}),
    ...(opts.ignoreWindow ? { ignoreWindow: dur(opts.ignoreWindow) } : {}),
    ...(opts.holidays ? { holidays: opts.holidays.map((date) => ({ date })) } : {}),
    stages: opts.stages ?? [],
    transitions: opts.transitions ?? [],
    rules: opts.rules ?? [],
  };
}

/** A rule with a span at `line` (for checking that reasons carry spans). */
export function at<T extends Rule | Transition>(node: T, line: number): T {
  return { ...node, span: { line, column: 3, endLine: line, endColumn: 40 } };
}

/** The spec's inbound policy (section 3). */
export function inbound(): Policy {
  return policy("inbound-content", {
    timezone: "America/New_York",
    holidays: ["2026-11-26", "2026-12-25"],
    engagement: ["reply", "meeting_booked", "call_connected"],
    ignoreWindow: "3 days",
    stages: [
      stage("prospecting", {
        start: true,
        allow: ["email", "call", "linkedin", "calendar-invite"],
        transitions: [
          t.ignored(2, "nurture"),
          t.on("reply", "closed", c.eq("sentiment", "negative")),
          t.on("reply", "email-only", c.eq("prefers", "email")),
          t.on("reply", "engaged"),
        ],
      }),
      stage("nurture", {
        allow: ["email"],
        rules: [r.atMost(1, "email", "14 days")],
        transitions: [t.on("reply", "engaged"), t.elapsed("180 days", "closed")],
      }),
      stage("engaged", { allow: ["email", "call", "calendar-invite"], transitions: [t.ignored(3, "nurture")] }),
      stage("email-only", { allow: ["email"] }),
      stage("closed", { final: true }),
    ],
    transitions: [t.on("unsubscribe", "closed"), t.on("purchase", "closed")],
    rules: [
      at(r.without("calendar-invite", "reply", { name: "no-cold-invites" }), 40),
      r.within("call", "4 hours", "content_download", { name: "let-them-read" }),
      r.when("call", c.in("contact.role", ["analyst", "student"])),
      r.when("any", c.and(c.eq("contact.customer", true), c.eq("touch.campaign", "acquisition"))),
      r.when("any", c.inPath("touch.product", "contact.products")),
      r.when("any", c.eq("total_touches", 0), { tagged: "meeting-ask" }),
      r.atMost(3, "touches", "7 days"),
      r.atMost(1, "call", "day"),
      r.atLeast("2 business days", "touches"),
      r.quiet("21:00", "08:00", ["call", "sms"]),
      r.businessDays(),
    ],
  });
}

/**
 * The inbound policy of spec section 3 as an AST built by hand: lets the
 * benchmark run the engine while the DSL parser is not available. When the
 * parser is there, the benchmark parses `inbound.heed` instead and checks
 * that both give the same AST.
 *
 * @module
 */

import type { ChannelSet, Expr, Ident, Literal, PathRef, Policy, Rule, Stage, Transition, Trigger } from "../src/ast.js";

const id = (name: string): Ident => ({ name });
const list = (...names: string[]): ChannelSet & { kind: "list" } => ({ kind: "list", channels: names.map(id) });
const all = (word: "any" | "touches"): ChannelSet => ({ kind: "all", word });
const path = (...segments: string[]): PathRef => ({ kind: "path", segments });
const lit = (value: string | number | boolean): Literal => ({ kind: "literal", value });
const eq = (left: PathRef, value: string | number | boolean): Expr => ({ kind: "compare", op: "==", left, right: lit(value) });
const move = (trigger: Trigger, target: string): Transition => ({ trigger, target: id(target) });
const onSignal = (signal: string, where?: Expr): Trigger =>
  where === undefined ? { kind: "signal", signal: id(signal) } : { kind: "signal", signal: id(signal), where };

function stage(name: string, options: Partial<Omit<Stage, "name">>): Stage {
  return { name: id(name), start: false, final: false, rules: [], transitions: [], ...options };
}

const rules: Rule[] = [
  { kind: "never-without", name: id("no-cold-invites"), channels: list("calendar-invite"), signal: id("reply") },
  {
    kind: "never-within",
    name: id("let-them-read"),
    channels: list("call"),
    duration: { kind: "duration", amount: 4, unit: "hours" },
    signal: id("content_download"),
  },
  {
    kind: "never-when",
    channels: list("call"),
    when: { kind: "in", negated: false, left: path("contact", "role"), right: { kind: "list", items: [lit("analyst"), lit("student")] } },
  },
  {
    kind: "never-when",
    channels: all("any"),
    when: { kind: "and", left: eq(path("contact", "customer"), true), right: eq(path("touch", "campaign"), "acquisition") },
  },
  {
    kind: "never-when",
    channels: all("any"),
    when: { kind: "in", negated: false, left: path("touch", "product"), right: path("contact", "products") },
  },
  { kind: "never-when", channels: all("any"), tagged: { value: "meeting-ask" }, when: eq(path("total_touches"), 0) },
  { kind: "at-most", count: 3, channels: all("touches"), window: { kind: "rolling", amount: 7, unit: "days" } },
  { kind: "at-most", count: 1, channels: list("call"), window: { kind: "calendar", unit: "day" } },
  { kind: "at-least", duration: { kind: "duration", amount: 2, unit: "business-days" }, channels: all("touches") },
  { kind: "quiet-hours", start: { hour: 21, minute: 0 }, end: { hour: 8, minute: 0 }, channels: list("call", "sms") },
  { kind: "only-business-days" },
];

export const INBOUND_AST: Policy = {
  name: { value: "inbound-content" },
  timezone: { from: path("contact", "timezone"), fallback: { value: "America/New_York" } },
  channels: ["email", "call", "sms", "linkedin", "calendar-invite"].map(id),
  engagement: ["reply", "meeting_booked", "call_connected"].map(id),
  ignoreWindow: { kind: "duration", amount: 3, unit: "days" },
  holidays: [{ date: "2026-11-26" }, { date: "2026-12-25" }],
  stages: [
    stage("prospecting", {
      start: true,
      allow: list("email", "call", "linkedin", "calendar-invite"),
      transitions: [
        move({ kind: "ignored", count: 2 }, "nurture"),
        move(onSignal("reply", eq(path("sentiment"), "negative")), "closed"),
        move(onSignal("reply", eq(path("prefers"), "email")), "email-only"),
        move(onSignal("reply"), "engaged"),
      ],
    }),
    stage("nurture", {
      allow: list("email"),
      rules: [{ kind: "at-most", count: 1, channels: list("email"), window: { kind: "rolling", amount: 14, unit: "days" } }],
      transitions: [move(onSignal("reply"), "engaged"), move({ kind: "elapsed", duration: { kind: "duration", amount: 180, unit: "days" } }, "closed")],
    }),
    stage("engaged", { allow: list("email", "call", "calendar-invite"), transitions: [move({ kind: "ignored", count: 3 }, "nurture")] }),
    stage("email-only", { allow: list("email") }),
    stage("closed", { final: true }),
  ],
  transitions: [move(onSignal("unsubscribe"), "closed"), move(onSignal("purchase"), "closed")],
  rules,
};

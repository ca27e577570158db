/**
 * What a rule kind is: the one interface every module of `rules/`
 * implements. A kind says, in one place, how its AST form compiles to IR,
 * what its rules remember, how a touch or a signal changes that memory,
 * how a rule judges a proposed touch (one {@link Verdict}), how an unmet
 * rule explains itself, and what the analyses need to know of it.
 *
 * The engine makes each rule into a {@link CompiledRule}: one record of one
 * shape whatever the kind, holding the kind's behaviour as functions made
 * once per rule at compile time. Judging reads the same fields of objects
 * of one shape, which keeps it fast; no decision creates a function.
 *
 * @module
 */

import type { Expr, Rule } from "../../ast.js";
import type { Span } from "../../diagnostics.js";
import type { ProposedTouch } from "../../model.js";
import type { CompiledCondition, ConditionScope, FactSlots } from "../conditions.js";
import type { Context } from "../context.js";
import type { IrChannels, IrDuration } from "../ir.js";
import type { PolicyState, RuleMemory } from "../state.js";
import type { HolidaySet } from "../time.js";
import type { DeferVerdict, DenyVerdict, MetVerdict, Verdict } from "../verdict.js";
import type { IrRule } from "./index.js";
import type { MemoryShape } from "./memory.js";

/** Fields every compiled rule has, whatever its kind. */
export interface IrRuleBase {
  /** The rule's name, or `<scope>.<kind>.<n>` from its position. */
  readonly id: string;
  /** The stage the rule belongs to, or `null` for a policy-wide rule. */
  readonly stage: string | null;
  /** The touches it speaks of: `null` for every channel, else the listed ones. */
  readonly channels: IrChannels;
  /** Where it applies (`when COND`, or `not (COND)` for `unless COND`); absent when it always applies. */
  readonly condition?: Expr;
  readonly span?: Span;
}

/** What every kind's IR rule has: the base fields and its kind. */
export interface IrRuleOf<K extends string> extends IrRuleBase {
  readonly kind: K;
}

/** What a kind needs from the compiled policy to prepare a rule. */
export interface RuleEnv {
  /** The dates the policy lists as holidays. */
  readonly holidays: HolidaySet;
  /** Where the state keeps each fact its conditions read (compile them with it). */
  readonly slots: FactSlots;
}

/** An unmet verdict. */
export type Unmet = DenyVerdict | DeferVerdict;

/**
 * How one rule behaves at run time, made by its kind once per compiled rule.
 * `U` is what an unmet check of the kind can answer (a kind that only
 * defers says so, and its `detail` gets the deferral).
 */
export interface RuleBehaviour<M extends RuleMemory, U extends Unmet = Unmet> {
  /** Judging it needs the contact's local time (without a zone it denies: `unknown-timezone`). */
  readonly needsZone: boolean;
  /**
   * Judging it counts business days, so it needs the contact's holidays
   * too: under `holidays from`, a contact without a region and a policy
   * without a fallback deny (`unknown-calendar`). Absent: false.
   */
  readonly needsCalendar?: boolean;
  /**
   * Its judgement depends only on the state, the contact and the touch, not
   * on the instant: on an unchanged state it judges alike at every instant,
   * so following a deferral need not judge it again.
   */
  readonly timeless: boolean;
  /**
   * Its judgement may differ between two touches that differ only in
   * channel, beyond the channels it names (a condition reading
   * `touch.channel`): `alternatives` judge it per channel.
   */
  readonly readsChannel: boolean;
  /** Only touches with this tag are judged (`tagged "t"`), or null. */
  readonly tagged: string | null;
  /** The signal whose arrivals change its memory (with its `where`), or null. */
  readonly signal: { readonly type: string; readonly where: Expr | null } | null;
  /** A touch on one of its channels changes its memory. */
  readonly countsTouches: boolean;
  /**
   * Its judgement reads what re-entering the stage resets (`time_in_stage`,
   * `ignored`, `touches`): a loop of timers that only restarts the stage
   * may change it, so following a deferral steps through such a loop
   * instead of passing over it.
   */
  readonly readsStage: boolean;
  /**
   * The minutes of the local day, as `[from, to)` spans (0 to 1,440), in
   * which it defers every touch it speaks of, whatever it remembers (quiet
   * hours). When the spans of a stage's rules cover the whole day for a
   * channel, no instant is allowed there while the contact stays, and
   * following a deferral goes straight to the stage's next timer.
   */
  readonly deferredMinutes: readonly (readonly [number, number])[];
  /**
   * For a rule that counts the touches sent to the account's other contacts
   * (`Context.account`): how far before the instant judged it looks, in ms
   * (at least its window). Absent for rules that read only the contact's own
   * history; `engine.accountWindow` is the longest.
   */
  readonly accountReach?: number;
  /** What this rule remembers, when it differs from its kind's (`at most ... by PROP` keeps groups). */
  readonly memory?: MemoryShape<RuleMemory>;
  /** The memory after a touch on its channels at `at`, with the touch's props (may change `memory` in place). */
  onTouch(memory: M, at: number, touch: Readonly<Record<string, unknown>>): M;
  /** The memory after its signal, `where` met, arrived at `at`. */
  onSignal(memory: M, at: number, ctx: Context): M;
  /** How it judges `touch` at `t` (its zone needs met). */
  check(memory: M, ctx: Context, st: PolicyState, touch: ProposedTouch, t: number): MetVerdict | U;
  /** What a reason says after the rule's text, for an unmet verdict. */
  detail(memory: M, ctx: Context, t: number, verdict: U): string;
}

/** What the analyses need to know of a rule, whatever its kind. */
export interface RuleFacts {
  /** The signals it reads, each with its `where` (the diff sends them, with the props the conditions test). */
  readonly signals: readonly { readonly type: string; readonly where: Expr | null }[];
  /** The durations it measures (the diff waits just before, at and after each). */
  readonly durations: readonly IrDuration[];
  /** The conditions it reads over the contact and the touch (the diff tries the values they test). */
  readonly conditions: readonly Expr[];
  /** Its tag, or null (the diff proposes touches carrying it). */
  readonly tag: string | null;
}

/** A rule kind: everything a rule form means, in one module. */
export interface RuleKind<A extends Rule, I extends IrRuleOf<A["kind"]>, M extends RuleMemory, U extends Unmet = Unmet> {
  /** The form's name, as the AST and the IR spell it. */
  readonly kind: A["kind"];
  /** The reason code of an unmet rule (the kind's name, unless spec section 2 names it otherwise). */
  readonly code: string;
  /** What its rules remember: a snapshot's memory of the rule must fit it. */
  readonly memory: MemoryShape<M>;
  /** AST -> IR: the kind's own fields, after the base (id, stage, channels, span). */
  compile(rule: A, base: IrRuleBase): I;
  /** How a compiled rule behaves at run time. */
  behaviour(rule: I, env: RuleEnv): RuleBehaviour<M, U>;
  /** What the analyses need of it. */
  facts(rule: I): RuleFacts;
}

/** Declares a rule kind (frozen: a kind is a constant, shared by every engine). */
export function defineRuleKind<A extends Rule, I extends IrRuleOf<A["kind"]>, M extends RuleMemory, U extends Unmet = Unmet>(
  kind: RuleKind<A, I, M, U>,
): RuleKind<A, I, M, U> {
  return Object.freeze(kind);
}

/** Any rule kind: the registry holds kinds of different types, each pairing its own AST, IR and memory. */
export type AnyRuleKind = RuleKind<Rule, IrRuleOf<Rule["kind"]>, RuleMemory>;

/**
 * One rule as the engine runs it: one record of one shape, whatever its
 * kind. Made by `runtime.ts` from the IR rule and its kind's behaviour.
 */
export interface CompiledRule {
  /** The rule's position in `IrPolicy.rules` (and in a state's `memory`). */
  readonly index: number;
  readonly id: string;
  /** The reason code of an unmet rule. */
  readonly code: string;
  /** The rule's text, as reasons' messages begin (``at most 1 `call` per day``). */
  readonly text: string;
  readonly span: Span | undefined;
  /** The channels it speaks of, or null for every channel. */
  readonly channels: ReadonlySet<string> | null;
  readonly tagged: string | null;
  readonly needsZone: boolean;
  /** See {@link RuleBehaviour.needsCalendar}. */
  readonly needsCalendar: boolean;
  readonly readsChannel: boolean;
  readonly timeless: boolean;
  readonly countsTouches: boolean;
  readonly readsStage: boolean;
  readonly deferredMinutes: readonly (readonly [number, number])[];
  /** How far back it reads the account's touches, in ms, or null when it reads none. */
  readonly accountReach: number | null;
  /** The signal that feeds its memory, or null. */
  readonly signal: string | null;
  /** That signal's `where`, made into a function, or null. */
  readonly where: CompiledCondition | null;
  /** Its kind (its facts). */
  readonly kind: AnyRuleKind;
  /** What it remembers: its kind's shape, or its own. */
  readonly memory: MemoryShape<RuleMemory>;
  /** Where it applies (`when` / `unless`, spec section 8.3), or null when it always applies. */
  readonly applies: CompiledCondition | null;
  /**
   * For a rule whose condition reads `time_in_stage`: the first instant
   * after `t` at which the condition may change while the state stays as
   * it is, so that a wait it imposes ends no later (null otherwise).
   */
  readonly nextFlip: ((st: PolicyState, scope: ConditionScope, t: number) => number | undefined) | null;
  /** Its IR. */
  readonly ir: IrRule;
  readonly onTouch: (memory: RuleMemory, at: number, touch: Readonly<Record<string, unknown>>) => RuleMemory;
  readonly onSignal: (memory: RuleMemory, at: number, ctx: Context) => RuleMemory;
  readonly check: (memory: RuleMemory, ctx: Context, st: PolicyState, touch: ProposedTouch, t: number) => Verdict;
  readonly detail: (memory: RuleMemory, ctx: Context, t: number, verdict: Unmet) => string;
}

/** For kinds that defer at no fixed minutes of the day. */
export const NO_MINUTES: readonly (readonly [number, number])[] = Object.freeze([]);

/** For kinds whose memory no touch changes. */
export function untouched<M>(memory: M): M {
  return memory;
}

/** For kinds whose memory no signal changes. */
export function unsignalled<M>(memory: M): M {
  return memory;
}

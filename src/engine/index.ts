/**
 * The engine's entry point: `compile()` turns validated policies into an
 * {@link Engine} that evaluates proposed touches, replaying a history or
 * stepping a snapshot. Pure: no clock, no I/O.
 *
 * @module
 */

import type { Policy } from "../ast.js";
import { isChecked, validatePolicy } from "../checks/index.js";
import { HeedInputError, HeedPolicyError, sortDiagnostics } from "../diagnostics.js";
import type { Contact, DecideOptions, Decision, EvaluateInput, HistoryEvent, ProposedTouch } from "../model.js";
import type { Engine, Explanation, FactChange, Snapshot, StageChange, Standing } from "./api.js";
import { compileIr } from "./compile.js";
import { decideMembers, ruleOutcomes } from "./combine.js";
import { makeContext } from "./context.js";
import {
  accountTouches,
  checkAttributes,
  checkContact,
  checkEvent,
  checkEventProps,
  checkInput,
  checkTouch,
  identityType,
  inputVocabulary,
  NO_ACCOUNT,
  orderHistory,
  parseTime,
  type AccountTouch,
  type InputVocabulary,
  type NormalEvent,
} from "./input.js";
import type { IrPolicy } from "./ir.js";
import { advance, applyEvent, enterPolicy, nextTimer } from "./machine.js";
import { member, type Member } from "./member.js";
import { HolidayTable } from "./holidays.js";
import { makeRuntime, type Runtime } from "./runtime.js";
import { copyState, type PolicyState } from "./state.js";
import { checkSnapshot, policyVersion, RECENT_IDS, seenRecently, SNAPSHOT_FORMAT, type SnapshotData } from "./snapshot.js";
import { formatInstant, ZoneTable } from "./time.js";

export { compileIr } from "./compile.js";
export type * from "./ir.js";
export type { PolicyState, RuleMemory } from "./state.js";
export { RECENT_IDS, SNAPSHOT_FORMAT } from "./snapshot.js";
export type { PolicyStructure, StructureRule, StructureStage } from "./structure.js";
export { policyStructure } from "./structure.js";

/**
 * Compiles one policy or a policy set. Throws {@link HeedPolicyError} with
 * the diagnostics when validation reports errors; never throws otherwise.
 */
export function compile(policy: Policy | readonly Policy[]): Engine {
  const list: readonly Policy[] = Array.isArray(policy) ? policy : [policy as Policy];
  if (list.length === 0) {
    throw new HeedPolicyError([{ severity: "error", code: "empty-policy-set", message: "a policy set needs at least one policy" }]);
  }
  // a policy the checks stage passed is trusted; any other is checked here, once
  const unchecked = list.filter((p) => !isChecked(p));
  const errors = sortDiagnostics(unchecked.flatMap((p) => validatePolicy(p)).filter((d) => d.severity === "error"));
  if (errors.length > 0) throw new HeedPolicyError(errors);
  return new CompiledEngine(list);
}

class CompiledEngine implements Engine {
  readonly policies: readonly string[];
  readonly accountWindow: number | null;
  private readonly runtimes: readonly Runtime[];
  private readonly declared: readonly string[];
  private readonly irs: readonly IrPolicy[];
  /** What the policies declare of contacts' attributes and signals' props (spec section 8.1), checked on input. */
  private readonly vocabularies: readonly InputVocabulary[];
  private versionList: readonly string[] | undefined;
  /**
   * The snapshots this engine made or checked: trusted from then on, so a
   * snapshot is checked once, where it enters (a value an application
   * stored and read back is a new object, and is checked again).
   */
  private readonly known = new WeakSet<object>();
  /** The zones this engine has met: the offsets it learnt of each, and which names are zones. */
  private readonly zones = new ZoneTable();
  /** The public holidays of the regions this engine has met, year by year (`holidays from`). */
  private readonly holidayTable = new HolidayTable();

  constructor(policies: readonly Policy[]) {
    const irs = policies.map((p) => compileIr(p));
    this.runtimes = irs.map((ir, i) => makeRuntime(ir, policies[i]!, this.zones, this.holidayTable));
    this.policies = irs.map((ir) => ir.name);
    this.irs = irs;
    this.declared = [...new Set(irs.flatMap((ir) => ir.channels))];
    this.vocabularies = irs.flatMap((ir) => inputVocabulary(ir) ?? []);
    const windows = this.runtimes.flatMap((rt) => (rt.accountWindow === null ? [] : [rt.accountWindow]));
    this.accountWindow = windows.length === 0 ? null : Math.max(...windows);
  }

  /** The policies' versions, worked out on first use: only snapshots need them, and compile stays cheap. */
  get versions(): readonly string[] {
    this.versionList ??= this.irs.map(policyVersion);
    return this.versionList;
  }

  evaluate(input: EvaluateInput): Decision {
    const { members, touch, at } = this.replay(input, undefined);
    return decideMembers(members, this.declared, touch, at);
  }

  explain(input: EvaluateInput): Explanation {
    const timeline: StageChange[] = [];
    const facts: FactChange[] = [];
    const { members, touch, at } = this.replay(input, timeline, facts);
    for (const m of members) {
      m.ctx.log = undefined;
      m.ctx.facts = undefined;
    }
    const decision = decideMembers(members, this.declared, touch, at);
    const read = this.runtimes.some((rt) => rt.facts.length > 0);
    return { decision, timeline, ...(read ? { facts } : {}), rules: ruleOutcomes(members, touch, at) };
  }

  start(contact: Contact, at: string): Snapshot {
    const checked = checkContact(contact, this.zones);
    if (this.vocabularies.length > 0) checkAttributes(checked, this.vocabularies);
    parseTime(at, "at");
    for (const rt of this.runtimes) makeContext(rt, checked);
    const data: SnapshotData = {
      format: SNAPSHOT_FORMAT,
      contact: checked,
      startedAt: at,
      last: null,
      recent: [],
      states: null,
      policies: [...this.versions],
    };
    return this.made(data);
  }

  restore(snapshot: unknown): Snapshot {
    return this.made(this.restored(snapshot));
  }

  step(snapshot: Snapshot, event: HistoryEvent): Snapshot {
    const data = this.restored(snapshot);
    const ev = checkEvent(event, undefined, "event");
    if (this.vocabularies.length > 0) checkEventProps(ev, this.vocabularies, "event");
    const type = identityType(ev);
    if (ev.id !== undefined && seenRecently(data.recent, type, ev.id)) return snapshot;
    if (data.last !== null && ev.at < data.last) {
      throw new HeedInputError(
        "out-of-order",
        "event.at",
        `event at \`${String(event.at)}\` comes before the last event at ${formatInstant(data.last)}: events must be stepped in time order`,
      );
    }
    const members = this.members(data.contact, data.states, ev.at, undefined);
    this.apply(members, ev);
    const recent = ev.id === undefined ? data.recent : [...data.recent, [type, ev.id] as const].slice(-RECENT_IDS);
    const next: SnapshotData = {
      format: SNAPSHOT_FORMAT,
      contact: data.contact,
      startedAt: data.startedAt,
      last: ev.at,
      recent,
      states: members.map((m) => m.st),
      policies: data.policies,
    };
    return this.made(next);
  }

  decide(snapshot: Snapshot, touch: ProposedTouch, at: string, options?: DecideOptions): Decision {
    const data = this.restored(snapshot);
    const checkedTouch = checkTouch(touch);
    const when = parseTime(at, "at");
    const account = options === undefined ? NO_ACCOUNT : accountTouches(options.account, when);
    if (data.last !== null && when < data.last) {
      throw new HeedInputError(
        "out-of-order",
        "at",
        `\`${at}\` comes before the last stepped event at ${formatInstant(data.last)}: decide at or after it`,
      );
    }
    const members = this.members(data.contact, data.states, when, undefined, data.states === null, when, account);
    return decideMembers(members, this.declared, checkedTouch, when);
  }

  standing(snapshot: Snapshot, at: string): Standing[] {
    const data = this.restored(snapshot);
    const when = parseTime(at, "at");
    if (data.last !== null && when < data.last) {
      throw new HeedInputError("out-of-order", "at", `\`${at}\` comes before the last stepped event at ${formatInstant(data.last)}: ask at or after it`);
    }
    const members = this.members(data.contact, data.states, when, undefined, data.states === null, when);
    return members.map((m, i) => ({
      policy: this.policies[i]!,
      stage: m.st.stage,
      since: formatInstant(m.st.entry),
      ignored: m.st.ignored,
      touches: m.st.touches,
      totalTouches: m.st.totalTouches,
    }));
  }

  /** Replays a whole history up to `at`. */
  private replay(input: EvaluateInput, log: StageChange[] | undefined, facts?: FactChange[]): { members: Member[]; touch: ProposedTouch; at: number } {
    const { contact, events, touch, at, account } = checkInput(input, this.zones);
    if (this.vocabularies.length > 0) {
      checkAttributes(contact, this.vocabularies);
      for (let i = 0; i < events.length; i++) checkEventProps(events[i]!, this.vocabularies, `history[${i}]`, i);
    }
    const ordered = orderHistory(events, at);
    const members = this.members(contact, null, ordered[0]?.at ?? at, log, ordered.length === 0, undefined, account);
    if (facts !== undefined) for (const m of members) m.ctx.facts = facts;
    for (const ev of ordered) this.apply(members, ev);
    for (const m of members) advance(m.rt, m.ctx, m.st, at);
    return { members, touch, at };
  }

  /**
   * The contact's members: copies of the given states, or a fresh entry at
   * `entry`. With `readAt`, the states are only read, as they stand at that
   * instant: each is used in place, unless a timer falls due by then and a
   * copy is advanced to it.
   */
  private members(
    contact: Contact,
    states: readonly PolicyState[] | null,
    entry: number,
    log: StageChange[] | undefined,
    fresh = false,
    readAt?: number,
    account: readonly AccountTouch[] = NO_ACCOUNT,
  ): Member[] {
    const out: Member[] = [];
    for (let i = 0; i < this.runtimes.length; i++) {
      const rt = this.runtimes[i]!;
      const ctx = makeContext(rt, contact, account);
      if (log !== undefined) ctx.log = log;
      if (!states) {
        out.push(member(rt, ctx, enterPolicy(rt, ctx, entry), fresh));
        continue;
      }
      const stored = states[i]!;
      let st = stored;
      if (readAt === undefined) {
        st = copyState(stored);
      } else {
        const due = nextTimer(rt, ctx, stored);
        if (due !== undefined && due <= readAt) {
          st = copyState(stored);
          advance(rt, ctx, st, readAt);
        }
      }
      out.push(member(rt, ctx, st, false));
    }
    return out;
  }

  /** A snapshot this engine made, trusted from now on. */
  private made(data: SnapshotData): Snapshot {
    this.known.add(data);
    return data as unknown as Snapshot;
  }

  /** The snapshot's data, checked unless this engine made or checked it. */
  private restored(snapshot: unknown): SnapshotData {
    if (typeof snapshot === "object" && snapshot !== null && this.known.has(snapshot)) return snapshot as SnapshotData;
    const data = checkSnapshot(snapshot, this.runtimes, this.versions, this.zones);
    this.known.add(data);
    return data;
  }

  /** Processes the timers due before the event, then the event. */
  private apply(members: readonly Member[], ev: NormalEvent): void {
    for (const m of members) {
      advance(m.rt, m.ctx, m.st, ev.at - 1);
      applyEvent(m.rt, m.ctx, m.st, ev);
    }
  }

}

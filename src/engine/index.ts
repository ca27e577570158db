/**
 * The engine's entry point: `compile()` turns validated policies into an
 * {@link Engine} that evaluates proposed touches, replaying a history or
 * stepping a snapshot. Pure: no clock, no I/O.
 *
 * @module
 */

import { stripSpans, type Policy } from "../ast.js";
import { canonicalJson } from "../canonical.js";
import { HeedInputError, HeedPolicyError, sortDiagnostics } from "../diagnostics.js";
import type { Contact, Decision, EvaluateInput, HistoryEvent, ProposedTouch } from "../model.js";
import type { Engine, Explanation, Snapshot, StageChange } from "./api.js";
import { compileIr } from "./compile.js";
import { decideMembers, ruleOutcomes } from "./combine.js";
import { makeContext } from "./context.js";
import { checkContact, checkEvent, checkInput, checkTouch, orderHistory, parseTime, type NormalEvent } from "./input.js";
import type { IrPolicy } from "./ir.js";
import { advance, applyEvent, enterPolicy, nextTimer } from "./machine.js";
import { member, type Member } from "./member.js";
import { allInstants, isInstant } from "./rules/memory.js";
import { makeRuntime, type Runtime } from "./runtime.js";
import { copyState, type PolicyState } from "./state.js";
import { formatInstant } from "./time.js";
import { validatePolicy } from "./validate.js";

export { compileIr } from "./compile.js";
export type * from "./ir.js";
export type { PolicyState, RuleMemory } from "./state.js";

/** The snapshot format tag. */
export const SNAPSHOT_FORMAT = "heed-snapshot/2";
/** How many recent event ids a snapshot remembers to drop redelivered events. */
export const RECENT_IDS = 256;

/** The fields of a snapshot (all plain JSON). */
interface SnapshotData {
  format: typeof SNAPSHOT_FORMAT;
  contact: Contact;
  /** The instant handed to `start`. */
  startedAt: string;
  /** The instant of the last stepped event (epoch ms), `null` before the first. */
  last: number | null;
  /** The ids of the most recent events, oldest first, at most {@link RECENT_IDS}. */
  recentIds: string[];
  /** One state per compiled policy, `null` until the first event enters the contact. */
  states: PolicyState[] | null;
  /** The versions of the policies the states were built under (see {@link policyVersion}). */
  policies: string[];
}

/**
 * A policy's name and a fingerprint of its compiled form, spans left out
 * (`inbound-content#0f3a9c2d41b7e5`): a snapshot's states hold what each rule
 * remembers by rule position, so they are only meaningful under the policy
 * they were built with. Reformatting a policy keeps its version; changing a
 * rule, a stage or a transition changes it.
 */
function policyVersion(ir: IrPolicy): string {
  return `${ir.name}#${fingerprint(canonicalJson(stripSpans(ir)))}`;
}

/** A 53-bit hash of a text as 14 hex digits (cyrb53): enough to tell policy versions apart, not a secure digest. */
function fingerprint(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, "0");
}

/**
 * Compiles one policy or a policy set. Throws {@link HeedPolicyError} with
 * the diagnostics when validation reports errors; never throws otherwise.
 */
export function compile(policy: Policy | readonly Policy[]): Engine {
  const list: readonly Policy[] = Array.isArray(policy) ? policy : [policy as Policy];
  if (list.length === 0) {
    throw new HeedPolicyError([{ severity: "error", code: "empty-policy-set", message: "a policy set needs at least one policy" }]);
  }
  const errors = sortDiagnostics(list.flatMap((p) => validatePolicy(p)).filter((d) => d.severity === "error"));
  if (errors.length > 0) throw new HeedPolicyError(errors);
  return new CompiledEngine(list);
}

class CompiledEngine implements Engine {
  readonly policies: readonly string[];
  private readonly runtimes: readonly Runtime[];
  private readonly declared: readonly string[];
  private readonly irs: readonly IrPolicy[];
  private versionList: readonly string[] | undefined;

  constructor(policies: readonly Policy[]) {
    const irs = policies.map((p) => compileIr(p));
    this.runtimes = irs.map((ir, i) => makeRuntime(ir, policies[i]!));
    this.policies = irs.map((ir) => ir.name);
    this.irs = irs;
    const declared: string[] = [];
    for (const ir of irs) for (const c of ir.channels) if (!declared.includes(c)) declared.push(c);
    this.declared = declared;
  }

  /** The policies' versions, worked out on first use: only snapshots need them, and compile stays cheap. */
  private get versions(): readonly string[] {
    this.versionList ??= this.irs.map(policyVersion);
    return this.versionList;
  }

  evaluate(input: EvaluateInput): Decision {
    const { members, touch, at } = this.replay(input, undefined);
    return decideMembers(members, this.declared, touch, at);
  }

  explain(input: EvaluateInput): Explanation {
    const timeline: StageChange[] = [];
    const { members, touch, at } = this.replay(input, timeline);
    for (const m of members) m.ctx.log = undefined;
    const decision = decideMembers(members, this.declared, touch, at);
    return { decision, timeline, rules: ruleOutcomes(members, touch, at) };
  }

  start(contact: Contact, at: string): Snapshot {
    const checked = checkContact(contact);
    parseTime(at, "at");
    for (const rt of this.runtimes) makeContext(rt, checked);
    const data: SnapshotData = {
      format: SNAPSHOT_FORMAT,
      contact: checked,
      startedAt: at,
      last: null,
      recentIds: [],
      states: null,
      policies: [...this.versions],
    };
    return data as unknown as Snapshot;
  }

  step(snapshot: Snapshot, event: HistoryEvent): Snapshot {
    const data = this.checkSnapshot(snapshot);
    const ev = checkEvent(event, undefined, "event");
    if (ev.id !== undefined && data.recentIds.includes(ev.id)) return snapshot;
    if (data.last !== null && ev.at < data.last) {
      throw new HeedInputError(
        "out-of-order",
        "event.at",
        `event at \`${String(event.at)}\` comes before the last event at ${formatInstant(data.last)}: events must be stepped in time order`,
      );
    }
    const members = this.members(data.contact, data.states, ev.at, undefined);
    this.apply(members, ev);
    const recentIds = ev.id === undefined ? data.recentIds : [...data.recentIds, ev.id].slice(-RECENT_IDS);
    const next: SnapshotData = {
      format: SNAPSHOT_FORMAT,
      contact: data.contact,
      startedAt: data.startedAt,
      last: ev.at,
      recentIds,
      states: members.map((m) => m.st),
      policies: data.policies,
    };
    return next as unknown as Snapshot;
  }

  decide(snapshot: Snapshot, touch: ProposedTouch, at: string): Decision {
    const data = this.checkSnapshot(snapshot);
    const checkedTouch = checkTouch(touch);
    const when = parseTime(at, "at");
    if (data.last !== null && when < data.last) {
      throw new HeedInputError(
        "out-of-order",
        "at",
        `\`${at}\` comes before the last stepped event at ${formatInstant(data.last)}: decide at or after it`,
      );
    }
    const members = this.members(data.contact, data.states, when, undefined, data.states === null, when);
    return decideMembers(members, this.declared, checkedTouch, when);
  }

  /** Replays a whole history up to `at`. */
  private replay(input: EvaluateInput, log: StageChange[] | undefined): { members: Member[]; touch: ProposedTouch; at: number } {
    const { contact, events, touch, at } = checkInput(input);
    const ordered = orderHistory(events, at);
    const members = this.members(contact, null, ordered[0]?.at ?? at, log, ordered.length === 0);
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
  ): Member[] {
    const out: Member[] = [];
    for (let i = 0; i < this.runtimes.length; i++) {
      const rt = this.runtimes[i]!;
      const ctx = makeContext(rt, contact);
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

  /** Processes the timers due before the event, then the event. */
  private apply(members: readonly Member[], ev: NormalEvent): void {
    for (const m of members) {
      advance(m.rt, m.ctx, m.st, ev.at - 1);
      applyEvent(m.rt, m.ctx, m.st, ev);
    }
  }

  /**
   * Checks that a snapshot is one of this engine's: its format, the versions
   * of the policies it was built under (a snapshot made before a policy
   * changed must be rebuilt from the history), and the shape of every state,
   * so that a damaged snapshot is refused with its field named instead of
   * failing somewhere inside.
   */
  private checkSnapshot(snapshot: Snapshot): SnapshotData {
    const data = snapshot as unknown as Partial<SnapshotData> | null;
    const format = typeof data === "object" && data !== null ? (data as { format?: unknown }).format : undefined;
    if (typeof format === "string" && format !== SNAPSHOT_FORMAT && /^heed-snapshot\/\d+$/.test(format)) {
      throw new HeedInputError(
        "stale-snapshot",
        "snapshot.format",
        `the snapshot is in the format \`${format}\`, this engine reads \`${SNAPSHOT_FORMAT}\`: rebuild it by stepping the contact's history again`,
      );
    }
    const ok =
      typeof data === "object" &&
      data !== null &&
      data.format === SNAPSHOT_FORMAT &&
      typeof data.contact === "object" &&
      data.contact !== null &&
      Array.isArray(data.recentIds) &&
      (data.last === null || (typeof data.last === "number" && Number.isFinite(data.last))) &&
      (data.states === null || (Array.isArray(data.states) && data.states.length === this.runtimes.length)) &&
      Array.isArray(data.policies);
    if (!ok) {
      throw new HeedInputError("invalid-snapshot", "snapshot", `the snapshot is not a \`${SNAPSHOT_FORMAT}\` state of this engine's policies`);
    }
    const versions = data.policies!;
    if (!sameList(versions, this.versions)) {
      throw new HeedInputError(
        "stale-snapshot",
        "snapshot.policies",
        `the snapshot was built under ${versions.map((v) => `\`${String(v)}\``).join(", ") || "no policy"}, this engine runs ${this.versions.map((v) => `\`${v}\``).join(", ")}: rebuild it by stepping the contact's history again`,
      );
    }
    checkContact(data.contact);
    const states = data.states;
    for (let i = 0; states && i < states.length; i++) {
      const problem = stateProblem(this.runtimes[i]!, states[i]);
      if (problem !== undefined) {
        throw new HeedInputError("invalid-snapshot", `snapshot.states[${i}]`, `\`snapshot.states[${i}]\` is not a state of policy \`${this.policies[i]}\`: ${problem}`);
      }
    }
    return data as SnapshotData;
  }
}

function sameList(a: readonly unknown[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isCount(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

/** What is wrong with a stored state under a compiled policy, or undefined when nothing is. */
function stateProblem(rt: Runtime, state: unknown): string | undefined {
  if (typeof state !== "object" || state === null || Array.isArray(state)) return "not an object";
  const st = state as Partial<Record<keyof PolicyState, unknown>>;
  if (typeof st.stage !== "string" || !rt.stages.has(st.stage)) return `no stage \`${String(st.stage)}\``;
  if (!isInstant(st.entry) || !isInstant(st.through)) return "`entry` and `through` must be instants";
  if (!isCount(st.ignored) || !isCount(st.touches) || !isCount(st.totalTouches)) return "the counters must be whole numbers";
  if (!Array.isArray(st.pending) || !allInstants(st.pending)) return "`pending` must be a list of instants";
  const memory = st.memory;
  const rules = rt.rules;
  if (!Array.isArray(memory) || memory.length !== rules.length) return `\`memory\` must hold one entry per rule (${rules.length})`;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (!r.kind.memory.fits(memory[i])) return `the memory of rule \`${r.id}\` does not fit its kind (${r.kind.kind})`;
  }
  return undefined;
}

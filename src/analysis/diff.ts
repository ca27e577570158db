/**
 * Semantic diff of two policies: where do they decide differently? Both are
 * compiled and asked the same questions, over histories built from the
 * boundaries the two policies name (see `boundaries.ts`): every history of
 * up to `depth` events, each event placed at a boundary instant (or one
 * minute either side) after the one before, a touch only where the old
 * policy allows it (a history that could happen), each signal with the
 * values its conditions compare with and one they do not. After each
 * history a touch on every channel is proposed at every boundary instant
 * ahead. Then chains of touches, each sent at the first instant the old
 * policy allows it, carry the histories to each count threshold plus one.
 * Nothing is sampled: the report says what was explored, and whether the
 * exploration stopped at its limit.
 *
 * Each kind of change is reported with the smallest history found that
 * shows it, grouped by what it does (the new policy newly allows a touch,
 * newly refuses one, changes a wait or a stage), and mapped to the edits of
 * the structural diff that cause it.
 *
 * @module
 */

import { DateTime } from "luxon";

import type { Expr, Policy, ValueType } from "../ast.js";
import { stripSpans } from "../ast.js";
import { HeedInputError } from "../diagnostics.js";
import type { Contact, DecideOptions, Decision, HistoryEvent } from "../model.js";
import type { Engine, Snapshot } from "../engine/api.js";
import { compile, policyStructure, type PolicyStructure } from "../engine/index.js";
import type { IrDeclaration, IrPolicy, IrTransition, IrValueType } from "../engine/ir.js";
import { fits } from "../engine/input.js";
import { formatInstant, holidayDays, makeCalendar, parseInstant, ZoneTable, type Calendar, type Zone } from "../engine/time.js";
import { boundaryInstants, describeBoundaries, namedBoundaries, referenceInstants, snapshotStates, type BoundarySet, type EnginePair } from "./boundaries.js";
import { CalendarBook, regionAssignments } from "./regions.js";
import { attributeChanges, structuralDiff, type StructuralChange } from "./structure-diff.js";

/** Options of {@link diffPolicies}. */
export interface DiffOptions {
  /** Histories of up to this many events, each at every boundary instant, are explored in full. Default 1. */
  depth?: number;
  /** Touches in a chain after those histories, each at the first instant the old policy allows: default the largest count threshold plus two (at most 7). */
  chain?: number;
  /** Stop after this many histories (the report then says the exploration is not complete). Default 40,000. */
  maxHistories?: number;
  /** Stop once this many kinds of change are found (for tools that only need to know there is one). Default: no limit. */
  stopAfter?: number;
  /** The contact's time zone. Default: the new policy's fallback, else the old one's, else `UTC`. */
  zone?: string;
}

/** Who the touch is proposed to and what it carries, beyond the plain contact and touch. */
export interface DiffVariant {
  /** In words: ``a contact with `role` "analyst"``, ``a touch tagged "meeting-ask"``. */
  label: string;
  /** The contact's attributes in this variant. */
  attributes?: Record<string, string | number | boolean | string[]>;
  /** The proposed touch's props and `tags` in this variant. */
  touch?: Record<string, string | number | boolean | string[]>;
}

/** What a change does, from the old policy to the new. */
export type DiffDirection = "newly-allowed" | "newly-refused" | "changed";

/** One kind of change, with the smallest history found that shows it. */
export interface DiffChange {
  /** What changed: the verdict, the `notBefore` instant, or the stage. */
  kind: "verdict" | "notBefore" | "stage";
  /** `newly-allowed`: the new policy allows a touch the old one refused; `newly-refused`: the reverse; `changed`: a wait, a denial for a deferral, or a stage. */
  direction: DiffDirection;
  /** The proposed touch's channel (verdict and notBefore changes). */
  channel?: string;
  /** The old answer: a verdict, a notBefore instant, or a stage. */
  before: string;
  /** The new answer. */
  after: string;
  /** The counterexample in words, one event a line, then the proposal, in the contact's local time. */
  steps: string[];
  /** The counterexample as a history, ready for `heed explain` (every touch in it is one the old policy allowed at its instant). */
  history: HistoryEvent[];
  /**
   * The touches sent to the other contacts of the contact's account in the
   * counterexample, as `evaluate`'s `account` (policies with limits `across
   * account`): each a first touch to a contact of its own that the old
   * policy allowed at its instant. Absent when there are none.
   */
  account?: HistoryEvent[];
  /** The contact of the counterexample. */
  contact: Contact;
  /** The proposed touch's props and tags, beyond its channel, when the change needs them. */
  touch?: Record<string, string | number | boolean | string[]>;
  /** The instant the touch was proposed. */
  at: string;
  /** The contact's attributes or the touch's props and tags, when the change needs them. */
  variant?: DiffVariant;
  /** True when every touch of the history is also one the new policy allowed at its instant. */
  newAllowsHistory: boolean;
  /** The change in words: ``now allows `call` where it denied``. */
  message: string;
  /** The edits of {@link DiffReport.structure} that cause it, by index (each alone reproduces it; all of them when none does alone). */
  causes: number[];
}

/** What was explored. */
export interface DiffExplored {
  /** Histories tried (each followed by proposals at every boundary ahead). */
  histories: number;
  /** Decisions asked of each policy. */
  decisions: number;
  /** Every history of up to this many events was explored at every boundary. */
  depth: number;
  /** The longest chain of touches added after those, each at the first instant the old policy allows. */
  chain: number;
  /** True when nothing was left out: every history of the explored space was tried (false when the exploration stopped at its limit or at `stopAfter`). */
  complete: boolean;
  /** The boundaries explored, in words. */
  boundaries: string[];
  /** The starting points (the season of each daylight-saving offset, the days before holidays), in words. */
  starts: string[];
  /** The signals sent, with their props, in words. */
  signals: string[];
  /** The contacts and touches tried beyond the plain ones. */
  variants: string[];
  /** True when histories also held touches to the account's other contacts (either policy limits touches `across account`). */
  account: boolean;
  /** The contacts and signals tried because the two policies declare an attribute or a signal's prop differently, in words (each one that one declaration takes and the other refuses). */
  declarations: string[];
}

/** The result of {@link diffPolicies}. */
export interface DiffReport {
  /** True when no history showed a difference. */
  same: boolean;
  /** Every kind of change found, each with its smallest counterexample: newly allowed first, then newly refused, then the rest. */
  changes: DiffChange[];
  /** The edits between the two texts: what was added, removed or changed, with where. */
  structure: StructuralChange[];
  /** What was explored. */
  explored: DiffExplored;
}

const VERB: Record<string, string> = { allow: "allows", deny: "denies", defer: "defers" };
const PAST: Record<string, string> = { allow: "allowed", deny: "denied", defer: "deferred" };
const MINUTE = 60_000;
const DAY_MS = 1440 * MINUTE;
const DIRECTION_ORDER: Record<DiffDirection, number> = { "newly-allowed": 0, "newly-refused": 1, changed: 2 };

type Props = Record<string, string | number | boolean>;

/** A history being explored, with each policy's snapshot after it. */
interface Node {
  readonly events: readonly HistoryEvent[];
  /** The instants of the events, in order. */
  readonly instants: readonly number[];
  /** The instant of the last event (or of the start). */
  readonly t: number;
  readonly old: Snapshot;
  readonly new: Snapshot;
  /** Every touch of the history was one the new policy allowed too. */
  readonly newAllows: boolean;
  /** The touches sent to the account's other contacts (limits `across account` count them), in order. */
  readonly account: readonly HistoryEvent[];
}

/** One starting point of the exploration. */
interface Start {
  readonly label: string;
  readonly at: number;
  /** Explore at full depth (with chains) from here, or one event deep. */
  readonly full: boolean;
  /** Chains of touches from the start too (across a daylight-saving change). */
  readonly chains: boolean;
}

/** What to explore from one start. */
interface Plan {
  /** Events placed at every boundary. */
  readonly levels: number;
  /** Signals among those events (else touches only). */
  readonly signals: boolean;
  /** Chains of touches: from the start and the signals sent there, from the start only, or none. */
  readonly chains: "all" | "root" | false;
  /** Every signal after each link of the chains from the start (default: when `signals`). */
  readonly signalsAfterChains?: boolean;
}

/** Compares two policies' decisions over every history the explored space holds. */
export function diffPolicies(oldPolicy: Policy, newPolicy: Policy, options: DiffOptions = {}): DiffReport {
  const zoneName = options.zone ?? newPolicy.timezone?.fallback?.value ?? oldPolicy.timezone?.fallback?.value ?? "UTC";
  const structure = structuralDiff(oldPolicy, newPolicy);
  const depth = options.depth ?? 1;
  // The same policy, spans and comments aside, decides the same everywhere: the engine is deterministic.
  if (JSON.stringify(stripSpans(withoutComments(oldPolicy))) === JSON.stringify(stripSpans(withoutComments(newPolicy)))) {
    return {
      same: true,
      changes: [],
      structure,
      explored: { histories: 0, decisions: 0, depth: 0, chain: 0, complete: true, boundaries: [], starts: [], signals: [], variants: [], account: false, declarations: [] },
    };
  }
  const zones = new ZoneTable();
  const zone: Zone = zones.zone(zones.isValid(zoneName) ? zoneName : "UTC");
  const machines = { old: policyStructure(oldPolicy), new: policyStructure(newPolicy) };
  const engines = { old: compile(oldPolicy), new: compile(newPolicy) };
  // limits `across account`: histories also hold touches sent to the account's other contacts
  const accountRules = engines.old.accountWindow !== null || engines.new.accountWindow !== null;
  const channels = unique([...newPolicy.channels, ...oldPolicy.channels].map((c) => c.name));
  const declared = declaredTypes([oldPolicy, newPolicy]);
  const signals = signalAlphabet(machines.old, machines.new, declared);
  const variants: (DiffVariant | undefined)[] = [undefined, ...diffVariants(machines.old, machines.new, declared)];
  // the holiday regions a contact can have, where the policies choose them differently: each variant in each region
  const regionsTried = regionAssignments(machines.old.ir, machines.new.ir);
  const regionVariants = withRegions(variants, regionsTried);
  const book = new CalendarBook(zone);
  const contactOf = (variant: DiffVariant | undefined): Contact =>
    variant?.attributes === undefined ? { id: "diff-contact", timezone: zone.name } : { id: "diff-contact", timezone: zone.name, attributes: variant.attributes };
  const calendars = uniqueCalendars(
    [undefined, ...variants.slice(1), ...regionVariants].flatMap((v) => [book.of(machines.old.ir, contactOf(v)), book.of(machines.new.ir, contactOf(v))]),
    zone,
    [machines.old.ir.holidays, machines.new.ir.holidays],
  );
  const set = namedBoundaries([machines.old, machines.new], zone, calendars, regionNames(machines.old.ir, machines.new.ir, regionsTried));
  // each count threshold plus one, and one link more for a touch a channel waits for
  const chain = options.chain ?? Math.min(7, countThreshold(machines.old, machines.new) + 2);
  const maxHistories = options.maxHistories ?? 40_000;
  const stopAfter = options.stopAfter ?? Infinity;
  const starts = startingPoints(zone, set);

  const found = new Map<string, Found>();
  let histories = 0;
  let decisions = 0;
  let complete = true;
  const full = (): boolean => {
    if (found.size >= stopAfter) {
      complete = false;
      return true;
    }
    if (histories >= maxHistories) {
      complete = false;
      return true;
    }
    return false;
  };

  const explore = (variant: DiffVariant | undefined, start: Start, plan: Plan): void => {
    const contact: Contact = { id: "diff-contact", timezone: zone.name };
    if (variant?.attributes !== undefined) contact.attributes = variant.attributes;
    if (accountRules) contact.account = ACCOUNT;
    const touchProps = variant?.touch ?? {};
    const plainTouch = variant?.touch === undefined;
    const startText = formatInstant(start.at);
    let root: Node;
    try {
      root = { events: [], instants: [], t: start.at, old: engines.old.start(contact, startText), new: engines.new.start(contact, startText), newAllows: true, account: [] };
    } catch (error) {
      // a contact the engines refuse (an attribute of another type than declared) is no contact to explore;
      // one that only one of them refuses (a region read from another attribute) is a change
      if (!(error instanceof HeedInputError)) throw error;
      recordRefusal(found, engines, contact, start.at, channels[0] ?? "", variant);
      return;
    }
    const seen = new Set<string>();

    /**
     * Proposes every channel at every boundary ahead of `node`. Returns, per
     * instant, the channels the old policy allows there, and the instants at
     * which either policy moves the contact to another stage.
     */
    const propose = (node: Node): { allowed: Map<number, string[]>; moves: number[] } => {
      histories++;
      const refs = node.events.length + node.account.length === 0 ? [] : referenceInstants([...node.instants, ...node.account.map((e) => parseInstant(e.at)!)], [node.old, node.new]);
      const allowed = new Map<number, string[]>();
      const moves: number[] = [];
      let previous: string | undefined;
      for (const at of boundaryInstants(set, node.t, refs, Infinity)) {
        const atText = formatInstant(at);
        const here: string[] = [];
        let stages: [string, string] | undefined;
        const askOld = asker(engines.old, node.old, touchProps, atText, accountOf(node));
        const askNew = asker(engines.new, node.new, touchProps, atText, accountOf(node));
        for (const channel of channels) {
          const before = askOld(channel);
          const after = askNew(channel);
          decisions++;
          stages ??= [before.stage, after.stage];
          if (before.verdict === "allow") here.push(channel);
          compareDecisions(found, node, at, channel, before, after, variant, contact);
        }
        if (stages !== undefined) {
          if (stages[0] !== stages[1]) recordStage(found, node, at, stages, variant, contact, channels[0] ?? "");
          const both = `${stages[0]}|${stages[1]}`;
          if (previous !== undefined && both !== previous) moves.push(at);
          previous = both;
        }
        allowed.set(at, here);
      }
      return { allowed, moves };
    };

    /** The node after one more event, or undefined when an equivalent history was explored already (see `fresh`). */
    const child = (node: Node, event: HistoryEvent, at: number, newAllows: boolean): Node | undefined => {
      let next: Node;
      try {
        next = stepNode(node, event, at, newAllows);
      } catch (error) {
        // a history the engine refuses to follow is not explored further
        if (error instanceof HeedInputError) return undefined;
        throw error;
      }
      return fresh(next) ? next : undefined;
    };
    const stepNode = (node: Node, event: HistoryEvent, at: number, newAllows: boolean): Node => ({
      events: [...node.events, event],
      instants: [...node.instants, at],
      t: at,
      old: engines.old.step(node.old, event),
      new: engines.new.step(node.new, event),
      newAllows: node.newAllows && newAllows,
      account: node.account,
    });
    /** The node after a touch to another contact of the account (which changes no snapshot), or undefined as {@link child}. */
    const accountChild = (node: Node, channel: string, at: number): Node | undefined => {
      const touch: HistoryEvent = { type: "touch", at: formatInstant(at), channel, id: `a${node.account.length}` };
      const next: Node = { ...node, t: at, account: [...node.account, touch] };
      return fresh(next) ? next : undefined;
    };
    /** The first instant at or after the node's at which OLD allows a first touch on `channel` to another contact of the account. */
    const otherAllowedAt = (node: Node, channel: string): number | undefined => {
      const other: Contact = { ...contact, id: `diff-contact-${node.account.length + 2}` };
      const account = [...node.events.filter((e) => e.type === "touch"), ...node.account];
      let d: Decision;
      try {
        d = engines.old.evaluate({ contact: other, history: [], touch: { channel }, at: formatInstant(node.t), account });
      } catch (error) {
        if (error instanceof HeedInputError) return undefined;
        throw error;
      }
      if (d.verdict === "allow") return node.t;
      return d.verdict === "defer" && d.notBefore !== undefined ? parseInstant(d.notBefore) : undefined;
    };
    // two histories that leave both policies in the same state at the same instant, with the same reference instants, decide alike from there on
    const fresh = (stepped: Node): boolean => {
      const account = stepped.account.map((e) => `${e.at} ${String(e.channel)}`).join(",");
      const key = `${stepped.t}|${stepped.instants.join(",")}|${account}|${JSON.stringify(snapshotStates(stepped.old))}|${JSON.stringify(snapshotStates(stepped.new))}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    };
    const signal = (node: Node, props: Props, at: number): HistoryEvent => {
      const { type, ...rest } = props;
      return { ...rest, type: type as string, at: formatInstant(at), id: `e${node.events.length}` };
    };

    let layer: Node[] = [root];
    const explored: Node[] = [];
    for (let level = 0; level <= plan.levels && layer.length > 0; level++) {
      const next: Node[] = [];
      for (const node of layer) {
        if (full()) return;
        const { allowed } = propose(node);
        explored.push(node);
        if (level === plan.levels) continue;
        for (const [at, proposed] of allowed) {
          const atText = formatInstant(at);
          // the history's touches are plain ones: a variant's props and tags are the proposed touch's
          const open = plainTouch ? proposed : channels.filter((channel) => engines.old.decide(node.old, { channel }, atText, accountOf(node)).verdict === "allow");
          for (const channel of open) {
            const newAllows = engines.new.decide(node.new, { channel }, atText, accountOf(node)).verdict === "allow";
            const c = child(node, { type: "touch", at: atText, channel, id: `e${node.events.length}` }, at, newAllows);
            if (c !== undefined) next.push(c);
          }
          // a touch to another contact of the account, where OLD allows one there
          if (accountRules) {
            for (const channel of channels) {
              if (otherAllowedAt({ ...node, t: at }, channel) !== at) continue;
              const c = accountChild(node, channel, at);
              if (c !== undefined) next.push(c);
            }
          }
          if (!plan.signals) continue;
          for (const props of signals) {
            const c = child(node, signal(node, props, at), at, true);
            if (c !== undefined) next.push(c);
          }
        }
      }
      layer = next;
    }
    // from each signal sent at the start, every signal at the same instant (a reply that changes the stage, then another signal there)
    const startSignals = explored.filter((n) => n.events.length > 0 && n.t === start.at && n.events.every((e) => e.type !== "touch"));
    const origins: Node[] = [...explored.filter((n) => n.events.length === 0), ...startSignals];
    if (plan.signals) {
      for (const node of startSignals) {
        for (const props of signals) {
          if (full()) return;
          const c = child(node, signal(node, props, node.t), node.t, true);
          if (c === undefined) continue;
          propose(c);
          origins.push(c);
        }
      }
    }
    if (!plan.chains) return;
    // chains: from the start, and from each pair of signals sent at the start, the same channel again and again,
    // each at the first instant the old policy allows it; after each link, every signal at the link's instant and
    // where a timer next moves the contact to another stage
    for (const node of plan.chains === "root" ? origins.slice(0, 1) : origins) {
      // signals after the links of the chains from the start only: the signals sent at the start already chose a stage
      const signalsAfter = plan.signals && plan.signalsAfterChains !== false && node.events.length === 0;
      for (const channel of channels) {
        let at = node;
        for (let n = 0; n < chain; n++) {
          if (full()) return;
          // the chain's channel at the first instant OLD allows it; where OLD never does (yet), the channel it allows first,
          // so that a chain gets past what a channel waits for (`never call unless total_touches(email) >= 2`)
          let link = channel;
          let when = firstAllowed(engines.old, at, { channel }, accountOf(at));
          if (when === undefined) {
            for (const other of channels) {
              const t = other === channel ? undefined : firstAllowed(engines.old, at, { channel: other }, accountOf(at));
              if (t !== undefined && (when === undefined || t < when)) {
                when = t;
                link = other;
              }
            }
          }
          if (when === undefined) break;
          const whenText = formatInstant(when);
          const newAllows = engines.new.decide(at.new, { channel: link }, whenText, accountOf(at)).verdict === "allow";
          // a link explored already (the first touch of a chain from the start) is followed without proposing again
          let c: Node;
          try {
            c = stepNode(at, { type: "touch", at: whenText, channel: link, id: `e${at.events.length}` }, when, newAllows);
          } catch (error) {
            if (error instanceof HeedInputError) break;
            throw error;
          }
          at = c;
          if (!fresh(c)) continue;
          const { moves } = propose(c);
          if (!signalsAfter) continue;
          for (const instant of [c.t, ...moves.slice(0, 2)]) {
            for (const props of signals) {
              if (full()) return;
              const s = child(c, signal(c, props, instant), instant, true);
              if (s !== undefined) propose(s);
            }
          }
        }
      }
    }
    if (!accountRules) return;
    // chains of touches to the account's other contacts from the start: the same channel again and again, each a first
    // touch to another contact at the first instant OLD allows it (up to each account-wide cap plus one)
    for (const channel of channels) {
      let at = origins[0]!;
      for (let n = 0; n < chain; n++) {
        if (full()) return;
        const when = otherAllowedAt(at, channel);
        if (when === undefined) break;
        // a link explored already (the first of the chain, at the start) is followed without proposing again
        const touch: HistoryEvent = { type: "touch", at: formatInstant(when), channel, id: `a${at.account.length}` };
        const c: Node = { ...at, t: when, account: [...at.account, touch] };
        at = c;
        if (fresh(c)) propose(c);
      }
    }
  };

  // the declarations (`attributes`, signals' props): a contact or a signal one version's declared type takes and the
  // other's refuses, each with the first channel the accepting version allows at the first start
  // (first, so that a tool that needs only one change, `stopAfter`, need not explore)
  // (each declaration's values tried in order until the two engines answer differently)
  const witnesses: InputWitness[] = [];
  for (const candidates of declarationWitnesses(machines.old.ir, machines.new.ir)) {
    for (const w of candidates) {
      const contact: Contact = { id: "diff-contact", timezone: zone.name, ...(accountRules ? { account: ACCOUNT } : {}) };
      if (w.attributes !== undefined) contact.attributes = w.attributes;
      const at = starts[0]!.at;
      const history: HistoryEvent[] = w.signal === undefined ? [] : [{ ...w.signal.props, type: w.signal.type, at: formatInstant(at), id: "e0" }];
      const probe = probeChannel(w.refusedBy === "new" ? engines.old : engines.new, contact, history, at, channels);
      witnesses.push(w);
      if (recordRefusal(found, engines, contact, at, probe, w.attributes === undefined ? undefined : { label: w.label, attributes: w.attributes }, history)) break;
    }
  }

  // the plain contact gets the whole space from the first start; the other seasons one event deep with chains of touches;
  // each variant one event deep, with chains from the start
  for (const start of starts) if (!full()) explore(undefined, start, start.full ? { levels: depth, signals: true, chains: "all" } : { levels: Math.min(1, depth), signals: false, chains: start.chains ? "root" : false });
  for (const variant of [...variants.slice(1), ...regionVariants]) if (!full()) explore(variant, starts[0]!, { levels: Math.min(1, depth), signals: true, chains: "root", signalsAfterChains: false });
  // the days on which the two policies' calendars part for a contact (a holiday under one only, a region without a
  // calendar): from the day before each, one event deep, with chains of touches across it
  const holidayStarts: Start[] = [];
  for (const variant of [undefined, ...variants.slice(1), ...regionVariants]) {
    const contact = contactOf(variant);
    const parted = book.differences(book.of(machines.old.ir, contact), book.of(machines.new.ir, contact), starts[0]!.at, 366);
    // more days than explored: the report says the exploration is not complete
    if (parted.length > MAX_HOLIDAY_STARTS) complete = false;
    const days = parted.slice(0, MAX_HOLIDAY_STARTS);
    for (const day of days) {
      if (full()) break;
      explore(variant, dayBefore(day, zone), { levels: Math.min(1, depth), signals: false, chains: "root" });
    }
    if (days.length > 0) {
      const dates = days.map((day) => DateTime.fromMillis(day * DAY_MS, { zone: "UTC" }).toISODate()).join(", ");
      const who = variant === undefined ? "" : `, for ${variant.label}`;
      holidayStarts.push({ ...dayBefore(days[0]!, zone), label: `10:00 local the day before each day that is a business day under one policy only (${dates})${who}` });
    }
  }

  const causes = attributeChanges(oldPolicy, newPolicy, structure);
  const changes = [...found.values()]
    .map((f) => finish(f, zone, causes))
    .sort((a, b) => DIRECTION_ORDER[a.direction] - DIRECTION_ORDER[b.direction] || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  return {
    same: changes.length === 0,
    changes,
    structure,
    explored: {
      histories,
      decisions,
      depth,
      chain,
      complete,
      boundaries: describeBoundaries(set),
      starts: unique([...starts, ...holidayStarts].map((s) => s.label)),
      signals: signals.map(describeSignal),
      variants: [...variants, ...regionVariants].flatMap((v) => (v === undefined ? [] : [v.label])),
      account: accountRules,
      declarations: witnesses.map((w) => `${w.label} (${w.refusedBy === "new" ? "refused by NEW" : "refused by OLD"})`),
    },
  };
}

// ---------------------------------------------------------------- declarations

/** A contact or a signal that one version's declarations refuse and the other's accept. */
interface InputWitness {
  /** In words: ``a contact with `role` "student"``, ``a `reply` with `sentiment` "neutral"``. */
  readonly label: string;
  /** The version that refuses it. */
  readonly refusedBy: "old" | "new";
  /** The contact's attributes (an attribute's witness). */
  readonly attributes?: Record<string, Sample>;
  /** The signal's type and props, without `at` and `id` (a prop's witness). */
  readonly signal?: { readonly type: string; readonly props: Record<string, Sample> };
}

type Sample = string | number | boolean | string[];

/**
 * For each attribute and each signal's prop declared differently by the two
 * versions (a type changed, a choice's strings changed, a declaration added
 * or removed), the values that the old declaration takes and the new one
 * refuses, and those the new takes and the old refuses, each a witness, in
 * the order they are tried (the first that the two engines do answer
 * differently is reported: a value can be refused by both for another
 * reason, a holiday region that does not exist). An undeclared attribute
 * takes any value.
 */
function declarationWitnesses(a: IrPolicy, b: IrPolicy): InputWitness[][] {
  const out: InputWitness[][] = [];
  const regions = [a, b].flatMap((ir) => (ir.holidaysFrom?.fallback == null ? [] : [ir.holidaysFrom.fallback]));
  const pairs = (x: readonly IrDeclaration[] | undefined, y: readonly IrDeclaration[] | undefined): [string, IrValueType | undefined, IrValueType | undefined][] => {
    const before = new Map((x ?? []).map((d) => [d.name, d.type]));
    const after = new Map((y ?? []).map((d) => [d.name, d.type]));
    const names = [...new Set([...before.keys(), ...after.keys()])].sort();
    return names.map((n) => [n, before.get(n), after.get(n)]);
  };
  const witness = (old: IrValueType | undefined, now: IrValueType | undefined, make: (value: Sample, refusedBy: "old" | "new") => InputWitness): void => {
    if (sameType(old, now)) return;
    const values = samples(old, now, regions);
    const accepts = (type: IrValueType | undefined, v: Sample): boolean => type === undefined || fits(v, type);
    const refusedByNew = values.filter((v) => accepts(old, v) && !accepts(now, v)).map((v) => make(v, "new"));
    const refusedByOld = values.filter((v) => accepts(now, v) && !accepts(old, v)).map((v) => make(v, "old"));
    for (const list of [refusedByNew, refusedByOld]) if (list.length > 0) out.push(list);
  };
  for (const [name, old, now] of pairs(a.inputs?.attributes, b.inputs?.attributes)) {
    witness(old, now, (value, refusedBy) => ({ label: `a contact with \`${name}\` ${JSON.stringify(value)}`, refusedBy, attributes: { [name]: value } }));
  }
  const signalsOf = (ir: IrPolicy): Map<string, readonly IrDeclaration[]> => new Map((ir.inputs?.signals ?? []).map((s) => [s.name, s.props]));
  const before = signalsOf(a);
  const after = signalsOf(b);
  for (const type of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    for (const [prop, old, now] of pairs(before.get(type), after.get(type))) {
      if (prop === "type" || prop === "at" || prop === "id") continue;
      witness(old, now, (value, refusedBy) => ({ label: `a \`${type}\` with \`${prop}\` ${JSON.stringify(value)}`, refusedBy, signal: { type, props: { [prop]: value } } }));
    }
  }
  return out;
}

/** True when two declared types (or none) take the same values: a choice's strings in any order. */
function sameType(x: IrValueType | undefined, y: IrValueType | undefined): boolean {
  if (x === undefined || y === undefined) return x === y;
  if (x.kind !== y.kind) return false;
  if (x.kind !== "choice" || y.kind !== "choice") return true;
  return x.values.length === y.values.length && x.values.every((v) => y.values.includes(v));
}

/**
 * The values tried for a declaration that changed: the strings of both
 * choices, a string neither lists, the policies' fallback holiday regions
 * (a string a region attribute can hold), a number, a boolean, a list.
 */
function samples(x: IrValueType | undefined, y: IrValueType | undefined, regions: readonly string[]): Sample[] {
  const listed = [x, y].flatMap((t) => (t?.kind === "choice" ? t.values : []));
  let other = "other";
  while (listed.includes(other)) other += "-other";
  return [...new Set([...listed, other, ...regions]), 0, true, [other]];
}

/** The first channel `engine` allows the touch on for this contact and history at `at`, else the first channel. */
function probeChannel(engine: Engine, contact: Contact, history: HistoryEvent[], at: number, channels: readonly string[]): string {
  const atText = formatInstant(at);
  for (const channel of channels) {
    try {
      if (engine.evaluate({ contact, history, touch: { channel }, at: atText }).verdict === "allow") return channel;
    } catch (error) {
      if (!(error instanceof HeedInputError)) throw error;
      break;
    }
  }
  return channels[0] ?? "";
}

/** The account's other contacts' touches of a node, as `decide` takes them. */
function accountOf(node: Node): DecideOptions | undefined {
  return node.account.length === 0 ? undefined : { account: node.account };
}

/** The account of the contact in histories with touches to other contacts of it. */
const ACCOUNT = "diff-account";

/** The verdict shape the diff compares. */
type Answer = Pick<Decision, "verdict" | "notBefore" | "stage">;

/**
 * Decides touches on each channel at one instant on one snapshot. A touch
 * that is not allowed lists the channels that are (its alternatives), so
 * those need not be asked again.
 */
function asker(engine: Engine, snapshot: Snapshot, props: Record<string, unknown>, at: string, decideOptions: DecideOptions | undefined): (channel: string) => Answer {
  let allowed: ReadonlySet<string> | undefined;
  let stage: string | undefined;
  return (channel) => {
    if (allowed !== undefined && stage !== undefined && allowed.has(channel)) return { verdict: "allow", stage };
    let d: Decision;
    try {
      d = engine.decide(snapshot, { ...props, channel }, at, decideOptions);
    } catch (error) {
      // the engine refuses to decide here (timers looping over years): told apart by its code, as a denial
      if (!(error instanceof HeedInputError)) throw error;
      return { verdict: "deny", stage: `(refused: ${error.code})` };
    }
    stage = d.stage;
    if (d.verdict !== "allow" && d.alternatives !== undefined) allowed = new Set(d.alternatives);
    return d;
  };
}

/** The first instant at or after the node's where the old policy allows the touch, if any within its search. */
function firstAllowed(engine: Engine, node: Node, touch: { channel: string }, decideOptions: DecideOptions | undefined): number | undefined {
  const at = formatInstant(node.t);
  let d: Decision;
  try {
    d = engine.decide(node.old, touch, at, decideOptions);
  } catch (error) {
    if (error instanceof HeedInputError) return undefined;
    throw error;
  }
  if (d.verdict === "allow") return node.t;
  if (d.verdict === "defer" && d.notBefore !== undefined) return parseInstant(d.notBefore);
  return undefined;
}

function withoutComments(p: Policy): Policy {
  const { comments: _comments, ...rest } = p;
  return rest as Policy;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** The calendars the explored contacts have under either policy, and those of the dates each policy lists, each once. */
function uniqueCalendars(contactCalendars: readonly (Calendar | undefined)[], zone: Zone, holidayLists: readonly (readonly string[])[]): Calendar[] {
  const found = new Set<Calendar>();
  for (const cal of contactCalendars) if (cal !== undefined) found.add(cal);
  const byKey = new Map<string, Calendar>();
  for (const list of holidayLists) {
    const key = [...list].sort().join(",");
    if (!byKey.has(key)) byKey.set(key, makeCalendar(zone, holidayDays(list)));
  }
  return [...found, ...byKey.values()];
}

/** How many days on which two calendars part are explored per contact (the first of the explored year; past it, the exploration is not complete). */
const MAX_HOLIDAY_STARTS = 40;

/** Each variant (and the plain contact) in each region: the region's attribute added to its contact. */
function withRegions(variants: readonly (DiffVariant | undefined)[], regions: readonly Record<string, string>[]): DiffVariant[] {
  const out: DiffVariant[] = [];
  for (const region of regions) {
    const words = Object.entries(region).map(([name, value]) => `a contact with \`${name}\` ${JSON.stringify(value)}`);
    for (const v of variants) {
      const attributes = { ...(v?.attributes ?? {}), ...region };
      const label = v === undefined ? words.join(" and ") : `${v.label} and ${words.join(" and ")}`;
      out.push({ ...(v ?? {}), label, attributes });
    }
  }
  return out;
}

/** The regions either policy reads holidays from, in words (`US` (the fallback), and those the variants give contacts). */
function regionNames(a: IrPolicy, b: IrPolicy, tried: readonly Record<string, string>[]): string[] {
  const names = new Set<string>();
  for (const ir of [a, b]) if (ir.holidaysFrom?.fallback != null) names.add(ir.holidaysFrom.fallback);
  for (const region of tried) for (const value of Object.values(region)) names.add(value);
  return [...names].sort();
}

/** A start at 10:00 local the day before a local day. */
function dayBefore(day: number, zone: Zone): Start {
  const date = DateTime.fromMillis(day * DAY_MS, { zone: "UTC" });
  const before = DateTime.fromObject({ year: date.year, month: date.month, day: date.day, hour: 10 }, { zone: zone.name }).minus({ days: 1 });
  return {
    label: `${before.toISODate()} 10:00 local (the day before ${date.toISODate()}, a business day under one policy only)`,
    at: before.isValid ? before.toMillis() : day * DAY_MS - 14 * 3_600_000,
    full: false,
    chains: true,
  };
}

/**
 * Where histories start: a Monday 10:00 local in January, and in July when
 * the zone keeps the other daylight-saving offset then; the day before each
 * holiday either policy names; the day before each offset change of 2026.
 */
function startingPoints(zone: Zone, set: BoundarySet): Start[] {
  const local = (year: number, month: number, day: number): number => {
    const dt = DateTime.fromObject({ year, month, day, hour: 10 }, { zone: zone.name });
    return dt.isValid ? dt.toMillis() : Date.UTC(year, month - 1, day, 10);
  };
  const winter = local(2026, 1, 5);
  const starts: Start[] = [{ label: "Monday 2026-01-05 10:00 local", at: winter, full: true, chains: true }];
  const summer = local(2026, 7, 6);
  if (zone.offsetAt(summer) !== zone.offsetAt(winter)) starts.push({ label: "Monday 2026-07-06 10:00 local (the other daylight-saving offset)", at: summer, full: false, chains: true });
  for (const h of set.holidays) {
    const [y, m, d] = h.split("-").map(Number) as [number, number, number];
    const before = DateTime.fromObject({ year: y, month: m, day: d, hour: 10 }, { zone: zone.name }).minus({ days: 1 });
    if (before.isValid) starts.push({ label: `${before.toISODate()} 10:00 local (the day before holiday ${h})`, at: before.toMillis(), full: false, chains: false });
  }
  // a week before each offset change of 2026 (so that a window of a week spans the change), and the day before it
  let previous = zone.offsetAt(Date.UTC(2026, 0, 1));
  for (let day = 1; day < 366; day++) {
    const ms = Date.UTC(2026, 0, 1) + day * 1440 * MINUTE;
    const offset = zone.offsetAt(ms);
    if (offset !== previous) {
      for (const days of [8, 1]) {
        const before = DateTime.fromMillis(ms - days * 1440 * MINUTE, { zone: zone.name }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
        const label = days === 1 ? "the day before a daylight-saving change" : "a week before a daylight-saving change";
        starts.push({ label: `${before.toISODate()} 10:00 local (${label})`, at: before.toMillis(), full: false, chains: days > 1 });
      }
      previous = offset;
    }
  }
  return starts;
}

// ---------------------------------------------------------------- what is sent

/** A policy's transitions: the policy-wide ones first, then each stage's own. */
function transitionsOf(machine: PolicyStructure): readonly IrTransition[] {
  return [...machine.ir.transitions, ...machine.ir.stages.flatMap((s) => s.transitions)];
}

/** The values a condition compares a path with, and for each path one value it does not. */
function comparedValues(e: Expr | null, out: Map<string, (string | number | boolean)[]>, signalProps: boolean): void {
  if (e === null) return;
  const add = (segments: readonly string[], value: string | number | boolean): void => {
    const name = signalProps && (segments[0] === "signal" || segments[0] === "event") ? segments.slice(1).join(".") : segments.join(".");
    const list = out.get(name) ?? [];
    if (!list.includes(value)) list.push(value);
    out.set(name, list);
  };
  switch (e.kind) {
    case "compare": {
      const path = e.left.kind === "path" ? e.left : e.right.kind === "path" ? e.right : undefined;
      const lit = e.left.kind === "literal" ? e.left : e.right.kind === "literal" ? e.right : undefined;
      if (path !== undefined && lit !== undefined) add(path.segments, lit.value);
      return;
    }
    case "in":
      if (e.left.kind === "path" && e.right.kind === "list") for (const item of e.right.items) add(e.left.segments, item.value);
      return;
    case "and":
    case "or":
      comparedValues(e.left, out, signalProps);
      comparedValues(e.right, out, signalProps);
      return;
    case "not":
      comparedValues(e.expr, out, signalProps);
      return;
    default:
      // `exists PATH`: presence matters, whatever the value (a value no condition compares with is tried)
      if ("path" in e && typeof e.path === "object" && e.path !== null && "segments" in e.path) {
        const segments = (e.path as { segments: readonly string[] }).segments;
        const name = signalProps && (segments[0] === "signal" || segments[0] === "event") ? segments.slice(1).join(".") : segments.join(".");
        if (!out.has(name)) out.set(name, []);
      }
      return;
  }
}

/**
 * The values to try for a path: each compared with, each number one either
 * side, and one value compared with by none. A declared type (`attributes`,
 * `signals`) keeps the values to those a contact or signal may carry; a
 * declared choice is tried whole.
 */
function valuesToTry(compared: readonly (string | number | boolean)[], declared?: ValueType): (string | number | boolean)[] {
  const values: (string | number | boolean)[] = [];
  const push = (v: string | number | boolean): void => {
    if (!values.includes(v)) values.push(v);
  };
  for (const v of compared) {
    push(v);
    if (typeof v === "number") {
      push(v - 1);
      push(v + 1);
    }
    if (typeof v === "boolean") push(!v);
  }
  const strings = compared.filter((v): v is string => typeof v === "string");
  if (declared?.kind === "choice") {
    // a declared choice is short: every value of it (one no condition compares with among them)
    for (const v of declared.values.slice(0, 12)) push(v.value);
  } else if (strings.length > 0 || compared.length === 0) {
    let other = "other";
    while (strings.includes(other)) other += "-other";
    push(other);
  }
  if (declared === undefined) return values;
  const fits = (v: string | number | boolean): boolean =>
    declared.kind === "choice"
      ? typeof v === "string" && declared.values.some((c) => c.value === v)
      : declared.kind === "string"
        ? typeof v === "string"
        : declared.kind === "number"
          ? typeof v === "number"
          : declared.kind === "boolean"
            ? typeof v === "boolean"
            : false;
  return values.filter(fits);
}

/** The declared types of both policies (the new one's where both declare): contact attributes by name, signal props by `signal.prop`. */
export interface Declared {
  attributes: Map<string, ValueType>;
  props: Map<string, ValueType>;
}

/** What two policies declare (`attributes { }`, `signals { }`). */
export function declaredTypes(policies: readonly Policy[]): Declared {
  const declared: Declared = { attributes: new Map(), props: new Map() };
  for (const p of policies) {
    for (const d of p.attributes?.declarations ?? []) declared.attributes.set(d.name.name, d.type);
    for (const sig of p.signals?.declarations ?? []) for (const d of sig.props) declared.props.set(`${sig.name.name}.${d.name.name}`, d.type);
  }
  return declared;
}

/**
 * The facts about signals a condition reads (spec section 8.2): `seen(S where C)`,
 * `count(S where C)` and `last(S where C).PROP`, each with its `where`, the
 * values `last(S).PROP` is compared with, and the numbers a count is compared with.
 */
function factsIn(e: Expr | null, out: { type: string; where: Expr | null; prop?: string; values: (string | number | boolean)[] }[]): void {
  if (e === null) return;
  const operand = (o: { kind: string }, other: { kind: string }): void => {
    if (o.kind !== "count" && o.kind !== "last") return;
    const fact = o as { kind: string; signal: { name: string }; where?: Expr; prop?: readonly string[] };
    const lit = other.kind === "literal" ? [(other as unknown as { value: string | number | boolean }).value] : [];
    out.push({ type: fact.signal.name, where: fact.where ?? null, ...(fact.prop === undefined ? {} : { prop: fact.prop.join(".") }), values: lit });
  };
  switch (e.kind) {
    case "compare":
      operand(e.left, e.right);
      operand(e.right, e.left);
      return;
    case "and":
    case "or":
      factsIn(e.left, out);
      factsIn(e.right, out);
      return;
    case "not":
      factsIn(e.expr, out);
      return;
    case "seen":
      out.push({ type: e.signal.name, where: e.where ?? null, values: [] });
      return;
    default:
      return;
  }
}

/** Every condition of a policy: `applies when`, transitions' `when` and `where`, rules' conditions. */
function conditionsOf(p: PolicyStructure): Expr[] {
  const list: Expr[] = [];
  if (p.ir.appliesWhen !== null) list.push(p.ir.appliesWhen);
  for (const t of transitionsOf(p)) {
    if (t.trigger.kind === "when") list.push(t.trigger.condition);
    if (t.trigger.kind === "signal" && t.trigger.where !== null) list.push(t.trigger.where);
  }
  for (const r of p.rules) {
    list.push(...r.facts.conditions);
    const condition = (r.ir as { condition?: Expr }).condition;
    if (condition !== undefined) list.push(condition);
  }
  return list;
}

/** Every signal either policy reads, plain and with each value its conditions compare a prop with (and one they do not). */
export function signalAlphabet(a: PolicyStructure, b: PolicyStructure, declared?: Declared): Props[] {
  const props = new Map<string, Map<string, (string | number | boolean)[]>>();
  const note = (type: string, where: Expr | null): void => {
    const known = props.get(type) ?? new Map<string, (string | number | boolean)[]>();
    comparedValues(where, known, true);
    props.set(type, known);
  };
  for (const p of [a, b]) {
    for (const e of p.ir.engagement) note(e, null);
    for (const t of transitionsOf(p)) if (t.trigger.kind === "signal") note(t.trigger.signal, t.trigger.where);
    for (const { facts } of p.rules) for (const signal of facts.signals) note(signal.type, signal.where);
    // the signals the facts of conditions read, with the props their `where` and `last(...).PROP` compare
    const facts: { type: string; where: Expr | null; prop?: string; values: (string | number | boolean)[] }[] = [];
    for (const c of conditionsOf(p)) factsIn(c, facts);
    for (const f of facts) {
      note(f.type, f.where);
      if (f.prop !== undefined && !f.prop.includes(".")) {
        const known = props.get(f.type)!;
        const list = known.get(f.prop) ?? [];
        for (const v of f.values) if (!list.includes(v)) list.push(v);
        known.set(f.prop, list);
      }
    }
  }
  const alphabet: Props[] = [];
  for (const [type, byProp] of [...props.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))) {
    alphabet.push({ type });
    for (const [prop, compared] of byProp) {
      if (prop.includes(".") || prop === "type" || prop === "at" || prop === "id") continue;
      for (const value of valuesToTry(compared, declared?.props.get(`${type}.${prop}`))) alphabet.push({ type, [prop]: value });
    }
  }
  return alphabet;
}

function describeSignal(props: Props): string {
  const { type, ...rest } = props;
  const words = Object.entries(rest).map(([k, v]) => `${k} ${JSON.stringify(v)}`);
  return words.length === 0 ? `\`${String(type)}\`` : `\`${String(type)}\` (${words.join(", ")})`;
}

/** A path of the contact or the touch and the values to try for it. */
type Assignment = Map<string, string | number | boolean | string[]>;

/**
 * The contacts and touches to try beyond the plain ones. For each rule,
 * transition and `applies when` of either policy, every combination of the
 * values its condition compares each contact or touch path with (and one it
 * does not, and none at all), with the rule's tag; a path compared with a path (`touch.product
 * in contact.products`) gets values that match. Then one variant with every
 * path at its first value and every tag, for rules that only bite together.
 */
function diffVariants(a: PolicyStructure, b: PolicyStructure, declared?: Declared): DiffVariant[] {
  const groups: { compared: Map<string, (string | number | boolean)[]>; matched: [string, string, boolean][]; tag: string | null }[] = [];
  const group = (conditions: readonly (Expr | null)[], tag: string | null): void => {
    const compared = new Map<string, (string | number | boolean)[]>();
    const matched: [string, string, boolean][] = [];
    for (const c of conditions) {
      comparedValues(c, compared, false);
      pathPairs(c, matched);
    }
    groups.push({ compared, matched, tag });
  };
  for (const p of [a, b]) {
    group([p.ir.appliesWhen], null);
    for (const t of transitionsOf(p)) if (t.trigger.kind === "when") group([t.trigger.condition], null);
    for (const { facts } of p.rules) group(facts.conditions, facts.tag);
  }
  const variants: DiffVariant[] = [];
  const seen = new Set<string>();
  const add = (assignment: Assignment): void => {
    if (assignment.size === 0) return;
    const attributes: Record<string, string | number | boolean | string[]> = {};
    const touch: Record<string, string | number | boolean | string[]> = {};
    const words: string[] = [];
    for (const [path, value] of [...assignment.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))) {
      const [head, name] = path.split("\u0000") as [string, string];
      if (head === "contact") {
        attributes[name] = value;
        words.push(`a contact with \`${name}\` ${JSON.stringify(value)}`);
      } else if (name === "tags") {
        touch.tags = value;
        words.push(`a touch tagged ${(value as string[]).map((t) => JSON.stringify(t)).join(", ")}`);
      } else {
        touch[name] = value;
        words.push(`a touch with \`${name}\` ${JSON.stringify(value)}`);
      }
    }
    const label = words.join(" and ");
    if (seen.has(label)) return;
    seen.add(label);
    const v: DiffVariant = { label };
    if (Object.keys(attributes).length > 0) v.attributes = attributes;
    if (Object.keys(touch).length > 0) v.touch = touch;
    variants.push(v);
  };
  const everything: Assignment = new Map();
  const tags = new Set<string>();
  for (const g of groups) {
    const paths = [...g.compared.entries()].flatMap(([path, values]) => {
      const key = variantKey(path);
      const [head, name] = (key ?? "").split("\u0000");
      return key === undefined ? [] : [[key, valuesToTry(values, head === "contact" ? declared?.attributes.get(name ?? "") : undefined)] as const];
    });
    let combos: Assignment[] = [new Map()];
    for (const [key, values] of paths) {
      // each value, and the path absent
      combos = combos.flatMap((c) => [...values.map((v) => new Map(c).set(key, v)), c]).slice(0, 24);
      if (!everything.has(key) && values[0] !== undefined) everything.set(key, values[0]);
    }
    for (const [left, right, isIn] of g.matched) {
      const l = variantKey(left);
      const r = variantKey(right);
      if (l === undefined || r === undefined) continue;
      const value = isIn ? ["shared"] : "shared";
      combos = combos.map((c) => new Map(c).set(l, "shared").set(r, value));
      everything.set(l, "shared").set(r, value);
    }
    if (g.tag !== null) {
      tags.add(g.tag);
      combos = combos.map((c) => new Map(c).set(`touch\u0000tags`, [g.tag as string]));
    }
    for (const c of combos) add(c);
  }
  if (tags.size > 0) everything.set(`touch\u0000tags`, [...tags].sort());
  add(everything);
  return variants;
}

/** `contact.role` or `contact.attributes.role` as a variant's key (`contact` NUL `role`), or undefined for a path a variant cannot set. */
function variantKey(path: string): string | undefined {
  const [head, ...rest] = path.split(".");
  const name = rest[0] === "attributes" ? rest.slice(1).join(".") : rest.join(".");
  if (head !== "contact" && head !== "touch") return undefined;
  if (name === "" || name.includes(".") || name === "id" || name === "timezone" || name === "channel" || name === "tags") return undefined;
  return `${head}\u0000${name}`;
}

/** Paths compared with paths: `touch.product in contact.products`, `touch.owner == contact.owner`. */
function pathPairs(e: Expr | null, out: [string, string, boolean][]): void {
  if (e === null) return;
  switch (e.kind) {
    case "compare":
      if (e.left.kind === "path" && e.right.kind === "path") out.push([e.left.segments.join("."), e.right.segments.join("."), false]);
      return;
    case "in":
      if (e.left.kind === "path" && e.right.kind === "path") out.push([e.left.segments.join("."), e.right.segments.join("."), true]);
      return;
    case "and":
    case "or":
      pathPairs(e.left, out);
      pathPairs(e.right, out);
      return;
    case "not":
      pathPairs(e.expr, out);
      return;
    default:
      return;
  }
}

/** The largest count either policy compares with: `at most N`, `after N touches`, a counter in a condition. */
function countThreshold(a: PolicyStructure, b: PolicyStructure): number {
  let most = 1;
  const counters = new Map<string, (string | number | boolean)[]>();
  for (const p of [a, b]) {
    for (const t of transitionsOf(p)) {
      if (t.trigger.kind === "ignored" || t.trigger.kind === "touches") most = Math.max(most, t.trigger.count);
      if (t.trigger.kind === "when") comparedValues(t.trigger.condition, counters, false);
    }
    for (const rule of p.rules) {
      // a limit's count (`at most N`), whatever kind holds one
      const limit = (rule.ir as { count?: unknown }).count;
      if (typeof limit === "number") most = Math.max(most, limit);
      for (const c of rule.facts.conditions) comparedValues(c, counters, false);
    }
  }
  for (const [path, values] of counters) {
    if (path.includes(".")) continue;
    for (const v of values) if (typeof v === "number" && v < 1000) most = Math.max(most, Math.ceil(v));
  }
  // numbers a `count(...)` is compared with
  for (const p of [a, b]) {
    const facts: { type: string; where: Expr | null; prop?: string; values: (string | number | boolean)[] }[] = [];
    for (const c of conditionsOf(p)) factsIn(c, facts);
    for (const f of facts) for (const v of f.values) if (f.prop === undefined && typeof v === "number" && v < 1000) most = Math.max(most, Math.ceil(v));
  }
  return most;
}

// ---------------------------------------------------------------- recording

/** A change as found: the raw counterexample, described at the end. */
interface Found {
  kind: DiffChange["kind"];
  direction: DiffDirection;
  channel?: string;
  before: string;
  after: string;
  events: readonly HistoryEvent[];
  /** The touches to the account's other contacts. */
  account: readonly HistoryEvent[];
  newAllows: boolean;
  at: number;
  variant: DiffVariant | undefined;
  contact: Contact;
  /** The channel proposed (for a stage change, the first channel asked). */
  probe: string;
  message: string;
}

function directionOf(before: Decision["verdict"], after: Decision["verdict"]): DiffDirection {
  if (after === "allow" && before !== "allow") return "newly-allowed";
  if (before === "allow" && after !== "allow") return "newly-refused";
  return "changed";
}

/** A counterexample's length: its events and the touches to the account's other contacts. */
function size(f: Found): number {
  return f.events.length + f.account.length;
}

function keep(found: Map<string, Found>, key: string, candidate: Found): void {
  const known = found.get(key);
  // a counterexample with the plain contact and touch is smaller than one with a variant, then the shorter history wins
  const plainNow = candidate.variant === undefined;
  const plainKnown = known?.variant === undefined;
  const smaller =
    known === undefined ||
    (plainNow && !plainKnown) ||
    (plainNow === plainKnown && (size(candidate) < size(known) || (size(candidate) === size(known) && candidate.newAllows && !known.newAllows)));
  if (smaller) found.set(key, candidate);
}

function compareDecisions(
  found: Map<string, Found>,
  node: Node,
  at: number,
  channel: string,
  before: Answer,
  after: Answer,
  variant: DiffVariant | undefined,
  contact: Contact,
): void {
  if (before.verdict !== after.verdict) {
    const direction = directionOf(before.verdict, after.verdict);
    keep(found, `verdict:${channel}:${before.verdict}:${after.verdict}`, {
      kind: "verdict",
      direction,
      channel,
      before: before.verdict,
      after: after.verdict,
      events: node.events,
      account: node.account,
      newAllows: node.newAllows,
      at,
      variant,
      contact,
      probe: channel,
      message: `now ${VERB[after.verdict]} \`${channel}\` where it ${PAST[before.verdict]}`,
    });
  } else if (before.verdict === "defer" && before.notBefore !== after.notBefore) {
    const later = (after.notBefore ?? "") > (before.notBefore ?? "");
    keep(found, `notBefore:${channel}:${later ? "later" : "earlier"}`, {
      kind: "notBefore",
      direction: "changed",
      channel,
      before: before.notBefore ?? "",
      after: after.notBefore ?? "",
      events: node.events,
      account: node.account,
      newAllows: node.newAllows,
      at,
      variant,
      contact,
      probe: channel,
      message: `now defers \`${channel}\` ${later ? "longer" : "less long"} (until ${after.notBefore} where it deferred until ${before.notBefore})`,
    });
  }
}

function recordStage(found: Map<string, Found>, node: Node, at: number, stages: [string, string], variant: DiffVariant | undefined, contact: Contact, probe: string): void {
  keep(found, `stage:${stages[0]}:${stages[1]}`, {
    kind: "stage",
    direction: "changed",
    before: stages[0],
    after: stages[1],
    events: node.events,
    account: node.account,
    newAllows: node.newAllows,
    at,
    variant,
    contact,
    probe,
    message: `now puts the contact in \`${stages[1]}\` where it was in \`${stages[0]}\``,
  });
}

/**
 * Where one policy refuses a contact the other accepts (`invalid-attribute`:
 * the region of `holidays from` read from an attribute that holds none):
 * the refusal as the answer, `refused (CODE)`, against the other's verdict.
 */
function recordRefusal(found: Map<string, Found>, engines: EnginePair, contact: Contact, at: number, probe: string, variant: DiffVariant | undefined, history: readonly HistoryEvent[] = []): boolean {
  const atText = formatInstant(at);
  const answer = (engine: Engine): { verdict: Decision["verdict"] } | { refused: HeedInputError } => {
    try {
      return { verdict: engine.evaluate({ contact, history: [...history], touch: { ...(variant?.touch ?? {}), channel: probe }, at: atText }).verdict };
    } catch (error) {
      if (error instanceof HeedInputError) return { refused: error };
      throw error;
    }
  };
  const before = answer(engines.old);
  const after = answer(engines.new);
  if ("refused" in before === "refused" in after) return false;
  const text = (a: typeof before): string => ("refused" in a ? `refused (${a.refused.code})` : a.verdict);
  const refusal = "refused" in after ? after.refused : (before as { refused: HeedInputError }).refused;
  const newlyRefused = "refused" in after;
  const other = newlyRefused ? (before as { verdict: Decision["verdict"] }).verdict : (after as { verdict: Decision["verdict"] }).verdict;
  // one change per refused field: each declaration that changed is its own kind of change
  const what = history.length === 0 ? "the contact" : "the history";
  keep(found, `refused:${newlyRefused ? "new" : "old"}:${refusal.code}:${refusal.field}`, {
    kind: "verdict",
    direction: newlyRefused ? (other === "allow" ? "newly-refused" : "changed") : other === "allow" ? "newly-allowed" : "changed",
    channel: probe,
    before: text(before),
    after: text(after),
    events: history,
    account: [],
    newAllows: true,
    at,
    variant,
    contact,
    probe,
    message: newlyRefused
      ? `now refuses ${what} where it ${PAST[other]} \`${probe}\` (\`${refusal.code}\`: ${refusal.message})`
      : `now ${VERB[other]} \`${probe}\` where it refused ${what} (\`${refusal.code}\`: ${refusal.message})`,
  });
  return true;
}

/** An instant in the contact's local time, with its weekday: `Mon 2026-01-05 10:00`. */
export function localText(ms: number, zone: string): string {
  const dt = DateTime.fromMillis(ms, { zone });
  return dt.isValid ? dt.toFormat("ccc yyyy-MM-dd HH:mm") : formatInstant(ms);
}

/** An event in words: ``touch `email` on Mon 2026-01-05 10:00``, `` `reply` (sentiment "negative") on ...``. */
function describeEvent(e: HistoryEvent, zone: string): string {
  const at = localText(parseInstant(e.at) ?? 0, zone);
  if (e.type === "touch") return `touch \`${String(e.channel)}\` on ${at}`;
  const props = Object.entries(e).filter(([k]) => !["type", "at", "id"].includes(k));
  const words = props.map(([k, v]) => `${k} ${JSON.stringify(v)}`);
  return `\`${e.type}\`${words.length === 0 ? "" : ` (${words.join(", ")})`} on ${at}`;
}

function finish(f: Found, zone: Zone, causes: (change: { history: HistoryEvent[]; account?: HistoryEvent[]; contact: Contact; touch: Record<string, unknown>; at: string; kind: DiffChange["kind"]; before: string; after: string }) => number[]): DiffChange {
  const history = f.events.map((e) => ({ ...e }));
  const account = f.account.map((e) => ({ ...e }));
  const atText = formatInstant(f.at);
  // the contact's events and the touches to the account's other contacts, in order of time
  const merged = [...history.map((e) => ({ e, other: false })), ...account.map((e) => ({ e, other: true }))].sort((x, y) => (parseInstant(x.e.at) ?? 0) - (parseInstant(y.e.at) ?? 0));
  const steps = merged.map(({ e, other }) => (other ? `touch \`${String(e.channel)}\` to another contact of the account on ${localText(parseInstant(e.at) ?? 0, zone.name)}` : describeEvent(e, zone.name)));
  const proposal = f.kind === "stage" ? `at ${localText(f.at, zone.name)}` : `\`${f.channel}\` proposed on ${localText(f.at, zone.name)}`;
  steps.push(proposal);
  const who = f.variant === undefined ? "" : ` for ${f.variant.label}`;
  const after = merged.length === 0 ? "with no history" : `after ${steps.slice(0, -1).join(", ")}`;
  const touch = f.variant?.touch;
  const change: DiffChange = {
    kind: f.kind,
    direction: f.direction,
    ...(f.channel === undefined ? {} : { channel: f.channel }),
    before: f.before,
    after: f.after,
    steps,
    history,
    ...(account.length === 0 ? {} : { account }),
    contact: f.contact,
    ...(touch === undefined ? {} : { touch }),
    at: atText,
    ...(f.variant === undefined ? {} : { variant: f.variant }),
    newAllowsHistory: f.newAllows,
    message: `${f.message}${who}, ${after}; ${proposal}`,
    causes: [],
  };
  change.causes = causes({ history, ...(account.length === 0 ? {} : { account }), contact: f.contact, touch: { ...(touch ?? {}), channel: f.probe }, at: atText, kind: f.kind, before: f.before, after: f.after });
  return change;
}

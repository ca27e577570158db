/**
 * Snapshots: the incremental state of one contact under a compiled policy
 * set, as plain JSON an application stores. A snapshot is checked once,
 * where it enters the engine (`Engine.restore`, or the first `step` or
 * `decide` that is handed it), then trusted: the engine remembers the
 * snapshots it made or checked, as XState's `restoreSnapshot` does.
 *
 * @module
 */

import { stripSpans } from "../ast.js";
import { canonicalJson } from "../canonical.js";
import { HeedInputError } from "../diagnostics.js";
import type { Contact } from "../model.js";
import { checkContact } from "./input.js";
import type { IrPolicy } from "./ir.js";
import { allInstants, isInstant } from "./rules/memory.js";
import { factFits } from "./facts.js";
import type { Runtime } from "./runtime.js";
import type { PolicyState } from "./state.js";
import type { ZoneTable } from "./time.js";

/** The snapshot format tag. */
export const SNAPSHOT_FORMAT = "heed-snapshot/3";
/** How many recent events (by type and id) a snapshot remembers to drop redelivered events. */
export const RECENT_IDS = 256;

/** The fields of a snapshot (all plain JSON). */
export interface SnapshotData {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly contact: Contact;
  /** The instant handed to `start`. */
  readonly startedAt: string;
  /** The instant of the last stepped event (epoch ms), `null` before the first. */
  readonly last: number | null;
  /**
   * The identities, `[type, id]`, of the most recent events that had an id,
   * oldest first, at most {@link RECENT_IDS}. (`heed-snapshot/2` kept ids
   * without their types, and so took an unsubscribe for a redelivered touch
   * of the same id.)
   */
  readonly recent: readonly (readonly [string, string])[];
  /** One state per compiled policy, `null` until the first event enters the contact. */
  readonly states: readonly PolicyState[] | null;
  /** The versions of the policies the states were built under (see {@link policyVersion}). */
  readonly policies: readonly string[];
}

/**
 * A policy's name and a fingerprint of its compiled form, spans left out
 * (`inbound-content#0f3a9c2d41b7e5`): a snapshot's states hold what each rule
 * remembers by rule position, so they are only meaningful under the policy
 * they were built with. Reformatting a policy keeps its version; changing a
 * rule, a stage or a transition changes it.
 */
export function policyVersion(ir: IrPolicy): string {
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
 * Checks that a value is a snapshot of these compiled policies: its format,
 * the versions of the policies it was built under (a snapshot made before a
 * policy changed must be rebuilt from the history), its contact, and the
 * shape of every state, so that a damaged snapshot is refused with its
 * field named instead of failing somewhere inside.
 */
export function checkSnapshot(value: unknown, runtimes: readonly Runtime[], versions: readonly string[], zones: ZoneTable): SnapshotData {
  const data = value as Partial<SnapshotData> | null;
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
    Array.isArray(data.recent) &&
    data.recent.every(isIdentity) &&
    (data.last === null || (typeof data.last === "number" && Number.isFinite(data.last))) &&
    (data.states === null || (Array.isArray(data.states) && data.states.length === runtimes.length)) &&
    Array.isArray(data.policies);
  if (!ok) {
    throw new HeedInputError("invalid-snapshot", "snapshot", `the snapshot is not a \`${SNAPSHOT_FORMAT}\` state of this engine's policies`);
  }
  const built = data.policies!;
  if (!sameList(built, versions)) {
    throw new HeedInputError(
      "stale-snapshot",
      "snapshot.policies",
      `the snapshot was built under ${built.map((v) => `\`${String(v)}\``).join(", ") || "no policy"}, this engine runs ${versions.map((v) => `\`${v}\``).join(", ")}: rebuild it by stepping the contact's history again`,
    );
  }
  checkContact(data.contact, zones);
  const states = data.states;
  for (let i = 0; states && i < states.length; i++) {
    const problem = stateProblem(runtimes[i]!, states[i]);
    if (problem !== undefined) {
      throw new HeedInputError("invalid-snapshot", `snapshot.states[${i}]`, `\`snapshot.states[${i}]\` is not a state of policy \`${runtimes[i]!.ir.name}\`: ${problem}`);
    }
  }
  return data as SnapshotData;
}

/** True for a remembered identity, `[type, id]`. */
function isIdentity(entry: unknown): boolean {
  return Array.isArray(entry) && entry.length === 2 && typeof entry[0] === "string" && typeof entry[1] === "string";
}

/** True when `[type, id]` is among the remembered identities (checked at restore: each is a pair of strings). */
export function seenRecently(recent: SnapshotData["recent"], type: string, id: string): boolean {
  for (let i = recent.length - 1; i >= 0; i--) {
    const entry = recent[i]!;
    if (entry[0] === type && entry[1] === id) return true;
  }
  return false;
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
    if (!r.memory.fits(memory[i])) return `the memory of rule \`${r.id}\` does not fit its kind (${r.kind.kind})`;
  }
  const facts = st.facts;
  if (rt.facts.length === 0) return facts === undefined ? undefined : "the policy reads no facts, but the state has `facts`";
  if (!Array.isArray(facts) || facts.length !== rt.facts.length) return `\`facts\` must hold one value per fact (${rt.facts.length})`;
  for (let i = 0; i < facts.length; i++) {
    if (!factFits(rt.facts[i]!.ir, facts[i])) return `the value of \`${rt.facts[i]!.text}\` does not fit it`;
  }
  return undefined;
}

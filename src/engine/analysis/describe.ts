/**
 * What the analyses read of a policy's structure: its stages, the
 * transitions tried in each, the channels each allows.
 *
 * @module
 */

import type { ChannelSet, Policy, Stage, Transition } from "../../ast.js";
import { IMPLICIT_STAGE } from "../../ast.js";

/** The stage names of a policy, the implicit `active` stage when it has none. */
export function stageNames(policy: Policy): string[] {
  return policy.stages.length === 0 ? [IMPLICIT_STAGE] : policy.stages.map((s) => s.name.name);
}

/** The start stage's name (the first stage marked `start`, else the first stage, else `active`). */
export function startStageName(policy: Policy): string {
  const start = policy.stages.find((s) => s.start) ?? policy.stages[0];
  return start ? start.name.name : IMPLICIT_STAGE;
}

/** Stages by name, built once per policy (the analyses look stages up for every transition). */
const stageIndex = new WeakMap<Policy, { stages: readonly Stage[]; count: number; byName: Map<string, Stage> }>();

/** The stage of that name, when the policy declares it (the first, when a name is declared twice). */
export function findStage(policy: Policy, name: string): Stage | undefined {
  let index = stageIndex.get(policy);
  // rebuilt if the stage list was replaced or grew (policies are not meant to change, but tests build them)
  if (index === undefined || index.stages !== policy.stages || index.count !== policy.stages.length) {
    const byName = new Map<string, Stage>();
    for (const s of policy.stages) if (!byName.has(s.name.name)) byName.set(s.name.name, s);
    index = { stages: policy.stages, count: policy.stages.length, byName };
    stageIndex.set(policy, index);
  }
  return index.byName.get(name);
}

/** The declared channels a channel set speaks of. */
export function channelsOf(set: ChannelSet | undefined, policy: Policy): string[] {
  const declared = policy.channels.map((c) => c.name);
  if (set === undefined || set.kind === "all") return declared;
  return set.channels.map((c) => c.name);
}

/** The channels a stage allows (every declared channel without an `allow` line; none when final). */
export function allowedChannels(policy: Policy, stageName: string): string[] {
  const stage = findStage(policy, stageName);
  if (stage === undefined) return policy.channels.map((c) => c.name);
  if (stage.final) return [];
  if (stage.allow === undefined) return policy.channels.map((c) => c.name);
  const allowed = new Set(stage.allow.channels.map((c) => c.name));
  return policy.channels.map((c) => c.name).filter((c) => allowed.has(c));
}

/** The transitions tried in a stage: its own in source order, then the policy-wide ones (none for a final stage). */
export function transitionsOf(policy: Policy, stageName: string): Transition[] {
  const stage = findStage(policy, stageName);
  if (stage?.final) return [];
  return [...(stage?.transitions ?? []), ...(policy.stages.length === 0 ? [] : policy.transitions)];
}

/**
 * The compiled state machine of a policy as tools read it (the graph, the
 * static analysis, the semantic diff, silent-contact analysis): its stages,
 * the transitions tried in each, in the order the engine tries them, and
 * the rules in force there, each with its kind. Tools ask the engine,
 * as XState's `getNextTransitions` answers them, instead of working the
 * order out again from the AST.
 *
 * @module
 */

import type { Expr, Policy } from "../ast.js";
import type { Span } from "../diagnostics.js";
import { compileIr } from "./compile.js";
import type { IrPolicy, IrRule, IrStage, IrTransition } from "./ir.js";
import type { AnyRuleKind, RuleFacts } from "./rules/index.js";
import { makeRuntime } from "./runtime.js";
import { ZoneTable } from "./time.js";

/** A rule of the policy, with its kind and what analyses need of it. */
export interface StructureRule {
  readonly ir: IrRule;
  readonly kind: AnyRuleKind;
  readonly facts: RuleFacts;
}

/** One stage of the compiled machine. */
export interface StructureStage {
  readonly name: string;
  readonly start: boolean;
  readonly final: boolean;
  /** The implicit stage `active` of a policy that declares none. */
  readonly implicit: boolean;
  readonly ir: IrStage;
  /** Where the stage's name is written (else the stage), for findings about the stage. */
  readonly nameSpan: Span | undefined;
  /** The declared channels the stage allows: all without an `allow` list, none when final. */
  readonly allowed: readonly string[];
  /** The transitions tried in the stage, in order: its own, then the policy-wide ones (none from a final stage). */
  readonly transitions: readonly IrTransition[];
  /** How many of {@link transitions} are the stage's own (the rest are policy-wide). */
  readonly own: number;
  /** The rules in force in the stage: its own, then the policy-wide ones. */
  readonly rules: readonly StructureRule[];
}

/** The compiled state machine of a policy. */
export interface PolicyStructure {
  readonly ir: IrPolicy;
  /** Every stage, in source order (the implicit `active` stage when the policy declares none). */
  readonly stages: readonly StructureStage[];
  /** Every rule, in the order of `IrPolicy.rules`. */
  readonly rules: readonly StructureRule[];
  /** The stage of that name, if any. */
  stage(name: string): StructureStage | undefined;
}

/** Compiles a policy (checked or not: nothing here judges a touch) and describes its machine. */
export function policyStructure(policy: Policy): PolicyStructure {
  const ir = compileIr(policy);
  const rt = makeRuntime(ir, policy, new ZoneTable());
  const declared = ir.channels;
  const rules = rt.rules.map((r): StructureRule => ({ ir: r.ir, kind: r.kind, facts: withCondition(r.kind.facts(r.ir), r.ir.condition) }));
  const astStages = new Map(policy.stages.map((s) => [s.name.name, s] as const));
  const stages = ir.stages.map((stage): StructureStage => {
    const info = rt.stages.get(stage.name)!;
    const source = astStages.get(stage.name);
    const allowList = stage.allow === null ? null : new Set(stage.allow);
    const allowed = stage.final ? [] : allowList === null ? declared : declared.filter((c) => allowList.has(c));
    return {
      name: stage.name,
      start: stage.name === ir.start,
      final: stage.final,
      implicit: policy.stages.length === 0,
      ir: stage,
      nameSpan: source?.name.span ?? source?.span,
      allowed,
      transitions: info.transitions,
      own: stage.final ? 0 : stage.transitions.length,
      rules: info.rules.map((r) => rules[r.index]!),
    };
  });
  const byName = new Map<string, StructureStage>();
  for (const s of stages) if (!byName.has(s.name)) byName.set(s.name, s);
  return { ir, stages, rules, stage: (name) => byName.get(name) };
}

/** A rule's facts with its `when` / `unless` among the conditions it reads (spec section 8.3). */
function withCondition(facts: RuleFacts, condition: Expr | undefined): RuleFacts {
  return condition === undefined ? facts : { ...facts, conditions: [...facts.conditions, condition] };
}

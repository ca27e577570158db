/**
 * Heed: a declarative cadence rules engine.
 *
 * ```ts
 * import { parsePolicy, compile, evaluate } from "heed";
 *
 * const { policy, diagnostics } = parsePolicy(text, { file: "inbound.heed" });
 * if (policy === undefined) throw new Error(diagnostics.map((d) => d.message).join("\n"));
 * const engine = compile(policy);
 * const decision = engine.evaluate({ contact, history, touch: { channel: "call" }, at: "2026-03-12T10:00:00-04:00" });
 * // or, the same: evaluate(engine, { contact, history, touch, at })
 * ```
 *
 * Everything exported here is pure and runs anywhere JavaScript runs; the
 * stores, the send gate, the HTTP service and the CRM mappings need Node.js
 * and live in `heed/adapters`.
 *
 * @module
 */

import type { Engine } from "./engine/api.js";
import type { Decision, EvaluateInput } from "./model.js";

export type {
  AllChannels,
  AndExpr,
  AtLeastRule,
  AtMostAccountRule,
  AtMostRule,
  CalendarWindow,
  ChannelList,
  ChannelSet,
  Comment,
  CompareExpr,
  CompareOp,
  DateLit,
  Duration,
  DurationUnit,
  ElapsedTrigger,
  ExistsExpr,
  Expr,
  HolidaysFromSpec,
  Ident,
  IgnoredTrigger,
  InExpr,
  ListLiteral,
  Literal,
  NeverAfterRule,
  NeverBase,
  NeverWhenRule,
  NeverWithinRule,
  NeverWithoutRule,
  NodeBase,
  NotExpr,
  SeenExpr,
  CountFact,
  LastFact,
  TouchesFact,
  Fact,
  OnlyBusinessDaysRule,
  Operand,
  OrExpr,
  PathRef,
  Policy,
  QuietHoursRule,
  RollingUnit,
  RollingWindow,
  Rule,
  RuleBase,
  RuleKind,
  SignalTrigger,
  Stage,
  StringLit,
  TimeOfDay,
  TimezoneSpec,
  // the declared vocabulary (spec section 8.1)
  AttributesBlock,
  ChoiceType,
  Declaration,
  SignalDeclaration,
  SignalsBlock,
  SimpleType,
  SimpleTypeName,
  ValueType,
  TouchesTrigger,
  Transition,
  Trigger,
  WhenTrigger,
  Window,
} from "./ast.js";
export { COUNTERS, DEFAULT_ENGAGEMENT, DEFAULT_IGNORE_WINDOW, IMPLICIT_STAGE, stripSpans } from "./ast.js";

export type { Diagnostic, Severity, Span } from "./diagnostics.js";
export { compareDiagnostics, HeedInputError, HeedPolicyError, hasErrors, sortDiagnostics } from "./diagnostics.js";

export type {
  AllowDecision,
  AttributeValue,
  Contact,
  DecideOptions,
  Decision,
  DecisionBase,
  DeferDecision,
  DenyDecision,
  EvaluateInput,
  HistoryEvent,
  PolicyAllowOrDeny,
  PolicyDecision,
  PolicyDecisionBase,
  PolicyDefer,
  ProposedTouch,
  Reason,
  Verdict,
} from "./model.js";

export type { Engine, Explanation, FactChange, RuleOutcome, Snapshot, StageChange, Standing } from "./engine/api.js";
export { compile, RECENT_IDS, SNAPSHOT_FORMAT } from "./engine/index.js";
export type { CheckedPolicy, CheckOptions, CheckResult, PolicyForm } from "./checks/index.js";
export { checkPolicy, validatePolicy } from "./checks/index.js";

export type { ParsePolicyOptions, ParsePolicyResult, PolicyFormat } from "./parser/index.js";
export { detectFormat, parseDsl, parsePolicy, parseYamlPolicy, printYaml } from "./parser/index.js";
export type { ParseDslOptions, ParseDslResult } from "./parser/dsl.js";
export type { ParseYamlOptions, ParseYamlResult } from "./parser/yaml.js";
export { formatPolicy } from "./parser/format.js";
export type { ConvertOptions, ConvertResult } from "./parser/convert.js";
export { convertPolicy } from "./parser/convert.js";

export type {
  AnalyzeOptions,
  DiffChange,
  DiffOptions,
  DiffDirection,
  DiffExplored,
  DiffReport,
  DiffVariant,
  GraphEdge,
  GraphFormat,
  SilentContactOptions,
  SilentContactReport,
  StageGraph,
  StageVisit,
  EditSide,
  StructuralChange,
} from "./analysis/index.js";
export {
  analyzePolicy,
  analyzeSilentContact,
  BUILT_IN_SIGNALS,
  describeSilentContact,
  diffPolicies,
  renderGraph,
  stageGraph,
  structuralDiff,
} from "./analysis/index.js";

/**
 * Decides a proposed touch with a compiled engine: the same as
 * `engine.evaluate(input)`, for code that prefers a function. Synchronous
 * and pure; throws {@link HeedInputError} on malformed input.
 */
export function evaluate(engine: Engine, input: EvaluateInput): Decision {
  return engine.evaluate(input);
}

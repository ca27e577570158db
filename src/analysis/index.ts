/**
 * Analyses of compiled policies: warnings for `heed check` (lint checks,
 * registered in the checks registry), the silent-contact report, the
 * semantic diff of two policies and the stage graph. Each asks the engine
 * (`policyStructure`, or decisions of a compiled engine) rather than
 * re-reading the AST. Pure like the engine: no clock, no I/O.
 *
 * @module
 */

export { ANALYSIS_BUDGET, SILENT_CONTACT_BUDGET } from "./budget.js";
export type { AnalyzeOptions, LintContext } from "./lint.js";
export { analyzePolicy, BUILT_IN_SIGNALS, LINT_CHECKS } from "./lint.js";
export type { SilentContactOptions, SilentContactReport, StageVisit } from "./silent.js";
export { analyzeSilentContact, describeSilentContact, describeTouches } from "./silent.js";
export type { DiffChange, DiffDirection, DiffExplored, DiffOptions, DiffReport, DiffVariant } from "./diff.js";
export { diffPolicies, localText } from "./diff.js";
export type { EditSide, StructuralChange } from "./structure-diff.js";
export { structuralDiff } from "./structure-diff.js";
export type { GraphEdge, GraphFormat, StageGraph } from "./graph.js";
export { renderGraph, stageGraph } from "./graph.js";
export type { DriveOptions, DriveResult, Persona, Reaction, SentTouch } from "./drive.js";
export { driveContact, SILENT } from "./drive.js";

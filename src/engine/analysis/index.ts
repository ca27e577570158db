/**
 * Static analysis and verification of policies: warnings for `heed check`,
 * the silent-contact report, the semantic diff of two policies and the stage
 * graph. Pure like the rest of the engine.
 *
 * @module
 */

export { ANALYSIS_BUDGET, SILENT_CONTACT_BUDGET } from "./budget.js";
export type { AnalyzeOptions } from "./lint.js";
export { analyzePolicy, BUILT_IN_SIGNALS } from "./lint.js";
export type { SilentContactOptions, SilentContactReport, StageVisit } from "./silent.js";
export { analyzeSilentContact, describeSilentContact, describeTouches } from "./silent.js";
export type { DiffChange, DiffOptions, DiffReport, DiffStep, DiffVariant } from "./diff.js";
export { diffPolicies, describeStep } from "./diff.js";
export type { GraphEdge, GraphFormat, StageGraph } from "./graph.js";
export { renderGraph, stageGraph } from "./graph.js";
export type { DriveOptions, DriveResult, Persona, Reaction, SentTouch } from "./drive.js";
export { driveContact, SILENT } from "./drive.js";

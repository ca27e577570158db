/**
 * The DSL's sub-grammars on their own, for the YAML front end: a YAML value
 * such as `4 hours` or `contact.role in ["analyst"]` is parsed by the same
 * chevrotain grammar as the DSL.
 *
 * Spans in results and diagnostics are absolute positions in the file,
 * computed from where the text starts (`origin`). None of these functions
 * throws, whatever the text.
 *
 * @module
 */

import type {
  ChannelSet,
  Duration,
  ElapsedTrigger,
  Expr,
  IgnoredTrigger,
  TimeOfDay,
  TouchesTrigger,
  Window,
} from "../ast.js";
import { hasErrors, type Diagnostic, type Span } from "../diagnostics.js";
import { excerpt, type TextOrigin } from "../lexer/index.js";
import {
  afterTriggerOf,
  channelSetOf,
  conditionOf,
  durationOf,
  timeOfDay,
  timeRange,
  windowOf,
  type ConvertContext,
} from "./cst-to-ast.js";
import { runEntryRule, settle, startOf } from "./dsl.js";
import type { EntryRule } from "./grammar.js";
import type { CstNode, IToken } from "chevrotain";
import type * as C from "./cst.js";

export type { TextOrigin } from "../lexer/index.js";

export interface LeafResult<T> {
  value: T | undefined;
  diagnostics: Diagnostic[];
}

const WHAT: Record<EntryRule, string> = {
  policy: "a policy",
  durationLeaf: "a duration such as `4 hours`",
  windowLeaf: "a window such as `14 days`, `day` or `week`",
  conditionLeaf: "a condition such as `contact.role == \"analyst\"`",
  timeLeaf: "a time of day such as `21:00`",
  quietHoursLeaf: "quiet hours such as `21:00-08:00`",
  afterLeaf: "`N ignored touches`, `N touches` or a duration",
  channelSetLeaf: "channels (names, `any` or `touches`)",
};

/** Runs `entry` over the text and converts its CST; a value only when there is no error. */
function leaf<T>(
  entry: EntryRule,
  text: string,
  origin: TextOrigin,
  convert: (cst: CstNode, context: ConvertContext) => T,
  declared: readonly string[] = [],
): LeafResult<T> {
  if (text.trim() === "") {
    const span: Span = { line: origin.line, column: origin.column, endLine: origin.line, endColumn: origin.column };
    span.offset = origin.offset;
    span.endOffset = origin.offset;
    if (origin.file !== undefined) span.file = origin.file;
    return { value: undefined, diagnostics: [{ severity: "error", code: "syntax", message: `expected ${WHAT[entry]}, found nothing`, span }] };
  }
  const { cst, context } = runEntryRule(entry, text, origin);
  context.declared = declared;
  const syntaxCount = context.diagnostics.length;
  let value: T | undefined;
  if (cst !== undefined && syntaxCount === 0) {
    try {
      value = convert(cst, context);
    } catch {
      // Only a CST left incomplete by recovery gets here, and it has a syntax error.
      value = undefined;
    }
  }
  const diagnostics = settle(syntaxCount, context.diagnostics);
  if (value === undefined && !hasErrors(diagnostics)) {
    const diagnostic: Diagnostic = { severity: "error", code: "syntax", message: `could not read \`${excerpt(text)}\``, span: startOf(origin) };
    diagnostics.push(diagnostic);
  }
  return { value: hasErrors(diagnostics) ? undefined : value, diagnostics };
}

/** The first sub-rule child `name` of an entry rule's node, typed by the caller. */
function sub<N extends CstNode>(cst: CstNode, name: N["name"]): N {
  const found = cst.children[name]?.[0];
  if (found === undefined || (found as IToken).image !== undefined) throw new Error(`missing ${name}`);
  return found as N;
}

function tok(cst: CstNode, name: string, index = 0): IToken {
  const found = cst.children[name]?.[index];
  if (found === undefined || (found as IToken).image === undefined) throw new Error(`missing ${name}`);
  return found as IToken;
}

/** `4 hours`, `2 business days`, `1 week`. */
export function parseDurationText(text: string, origin: TextOrigin): LeafResult<Duration> {
  return leaf("durationLeaf", text, origin, (cst, ctx) => durationOf(sub<C.DurationCstNode>(cst, "duration"), ctx));
}

/** `14 days`, `24 hours`, `day`, `week`, also with a leading `per`. */
export function parseWindowText(text: string, origin: TextOrigin): LeafResult<Window> {
  return leaf("windowLeaf", text, origin, (cst, ctx) => windowOf(sub<C.WindowBodyCstNode>(cst, "windowBody"), ctx));
}

/** `contact.role in ["analyst", "student"]`. */
export function parseConditionText(text: string, origin: TextOrigin): LeafResult<Expr> {
  return leaf("conditionLeaf", text, origin, (cst, ctx) => conditionOf(sub<C.ConditionCstNode>(cst, "condition"), ctx));
}

/** `21:00`. */
export function parseTimeOfDayText(text: string, origin: TextOrigin): LeafResult<TimeOfDay> {
  return leaf("timeLeaf", text, origin, (cst, ctx) => timeOfDay(tok(cst, "TimeLiteral"), ctx));
}

/** `21:00-08:00` or `21:00 to 08:00`. */
export function parseQuietHoursText(
  text: string,
  origin: TextOrigin,
): LeafResult<{ start: TimeOfDay; end: TimeOfDay }> {
  return leaf("quietHoursLeaf", text, origin, (cst, ctx) => timeRange(sub<C.TimeRangeCstNode>(cst, "timeRange"), ctx));
}

/** `2 ignored touches`, `3 touches`, `1 ignored touch`, `180 days`. */
export function parseAfterText(
  text: string,
  origin: TextOrigin,
): LeafResult<IgnoredTrigger | TouchesTrigger | ElapsedTrigger> {
  return leaf("afterLeaf", text, origin, (cst, ctx) => afterTriggerOf(sub<C.AfterSpecCstNode>(cst, "afterSpec"), ctx));
}

/**
 * `any`, `touches`, `email` or `email, call`. With `declared`, plural names
 * map to the declared channels (`calls` -> `call`).
 */
export function parseChannelSetText(
  text: string,
  origin: TextOrigin,
  declared?: readonly string[],
): LeafResult<ChannelSet> {
  return leaf(
    "channelSetLeaf",
    text,
    origin,
    (cst, ctx) => channelSetOf(sub<C.ChannelSetCstNode>(cst, "channelSet"), ctx, declared !== undefined),
    declared ?? [],
  );
}

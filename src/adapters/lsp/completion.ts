/**
 * Completion. In the DSL, what may come next is asked of the parser itself
 * (chevrotain's content assist over the tokens of the statement being
 * written), so keywords are offered exactly where the grammar allows them
 * and new statement forms show up with the grammar; names are filled in by
 * what the grammar expects there: stages after `move to`, declared channels
 * in channel lists, signals after `on`, `without`, `after` and `of`,
 * counters, `contact.` and `touch.` paths and a signal's props in
 * conditions. At the start of a statement the rule and transition forms
 * come as snippets. In YAML, names are offered after the keys that take
 * them (`moveTo:`, `allow:`, `on:`, ...); the keys themselves come from the
 * JSON Schema through the editor's YAML support.
 *
 * @module
 */

import type { IToken, TokenType } from "chevrotain";
import {
  CompletionItemKind,
  InsertTextFormat,
  type CompletionItem,
  type Position,
  type Range,
} from "vscode-languageserver/node";
import { keywordTokens, tokenize } from "../../lexer/index.js";
import * as T from "../../lexer/tokens.js";
import { grammar } from "../../parser/grammar.js";
import { namesOf, type DocumentAnalysis } from "./document.js";
import { builtInSignals, counterMeaning, counters, SIGNAL_PROPS, signalMeaning } from "./vocabulary.js";

/** The names completion offers, from the document's last analysis that had them. */
export interface Vocabulary {
  stages: string[];
  channels: string[];
  /** Signals named in the policy besides the built-in ones. */
  signals: string[];
  /** `contact.X` attributes the policy reads. */
  attributes: string[];
  /** `touch.X` props the policy reads. */
  touchProps: string[];
  /** Props read in each signal's `where`. */
  signalProps: Map<string, string[]>;
  /** The props of each signal the policy declares (`signals { reply { ... } }`): inside its `where`, only these are names. */
  declaredProps: Map<string, string[]>;
}

/** The names of an analysis, falling back, kind by kind, on an earlier one when this text lost them to errors. */
export function vocabularyOf(current: DocumentAnalysis | undefined, earlier: DocumentAnalysis | undefined): Vocabulary {
  const pick = (kind: "stage" | "channel" | "signal"): string[] => {
    const now = namesOf(current, kind);
    return now.length > 0 ? now : namesOf(earlier, kind);
  };
  const source = current?.paths.length ? current : earlier ?? current;
  const attributes: string[] = [];
  const touchProps: string[] = [];
  const signalProps = new Map<string, string[]>();
  const addTo = (list: string[], name: string | undefined): void => {
    if (name !== undefined && !list.includes(name)) list.push(name);
  };
  for (const path of source?.paths ?? []) {
    const [head, second] = path.segments;
    if (head === "contact") addTo(attributes, second);
    else if (head === "touch") addTo(touchProps, second);
    else if (path.signal !== undefined && path.segments.length === 1 && head !== undefined && counterMeaning(head) === undefined) {
      const list = signalProps.get(path.signal) ?? [];
      addTo(list, head);
      signalProps.set(path.signal, list);
    }
  }
  // the declared vocabulary (spec 8.1): with an `attributes` block, `contact.` offers exactly the declared attributes
  const declaring = current?.policy?.attributes !== undefined || current?.policy?.signals !== undefined ? current : earlier;
  const declared = declaring?.policy;
  const declaredProps = new Map<string, string[]>();
  for (const signal of declared?.signals?.declarations ?? []) declaredProps.set(signal.name.name, signal.props.map((p) => p.name.name));
  const declaredAttributes = declared?.attributes?.declarations.map((d) => d.name.name);
  return {
    stages: pick("stage"),
    channels: pick("channel"),
    signals: pick("signal"),
    attributes: declaredAttributes ?? attributes,
    touchProps,
    signalProps,
    declaredProps,
  };
}

// ------------------------------------------------------------ the DSL

/** Words that begin a statement when they begin a line. */
const STATEMENT_STARTS: ReadonlySet<TokenType> = new Set([
  T.Stage,
  T.Start,
  T.Final,
  T.Allow,
  T.After,
  T.On,
  T.When,
  T.Never,
  T.At,
  T.Quiet,
  T.Only,
  T.Rule,
  T.Timezone,
  T.Channels,
  T.Engagement,
  T.Ignore,
  T.Holidays,
  T.Applies,
  T.Attributes,
  T.Signals,
]);

const KEYWORD_OF = new Map<TokenType, string>([...keywordTokens].map(([word, type]) => [type, word]));

function isWordToken(token: IToken): boolean {
  return token.tokenType === T.Identifier || KEYWORD_OF.has(token.tokenType);
}

/** Where the cursor is in the DSL: the entry rule to ask and the tokens of the statement so far. */
interface DslContext {
  rule: "policy" | "policyItem" | "stageItem";
  statement: IToken[];
  /** The word being typed, replaced by the completion. */
  replace: Range;
}

/** The completions at a position of a DSL text. */
export function completeDsl(text: string, offset: number, position: Position, vocabulary: Vocabulary): CompletionItem[] {
  const context = dslContext(text, offset, position);
  if (context === undefined) return [];
  const paths = context.rule === "policy" && context.statement.length === 0 ? [] : grammar.computeContentAssist(context.rule, context.statement);
  const items = new Map<string, CompletionItem>();
  const add = (item: CompletionItem): void => {
    if (!items.has(item.label)) items.set(item.label, { ...item, textEdit: { range: context.replace, newText: item.insertText ?? item.label } });
  };
  const names = (list: readonly string[], kind: CompletionItemKind, detail: string, doc?: (name: string) => string | undefined): void => {
    for (const name of list) {
      const documentation = doc?.(name);
      add({ label: name, kind, detail, ...(documentation === undefined ? {} : { documentation }) });
    }
  };
  const signals = (): void => {
    names([...builtInSignals(), ...vocabulary.signals.filter((s) => !builtInSignals().includes(s))], CompletionItemKind.Event, "signal", signalMeaning);
  };
  const channels = (): void => names(vocabulary.channels, CompletionItemKind.EnumMember, "channel");
  for (const path of paths) {
    const next = path.nextTokenType;
    const stack = path.ruleStack;
    const where = stack[stack.length - 1];
    const parent = stack[stack.length - 2];
    if (where === "path") {
      pathCompletions(context.statement, vocabulary, add);
      continue;
    }
    const keyword = KEYWORD_OF.get(next);
    if (keyword !== undefined) {
      add({ label: keyword, kind: CompletionItemKind.Keyword });
      continue;
    }
    if (next !== T.Identifier && next !== T.Word) continue;
    if (where === "transition") names(vocabulary.stages, CompletionItemKind.Class, "stage");
    else if (where === "signalTrigger" || where === "neverRule") signals();
    else if (where === "nameList" && parent === "engagementLine") signals();
    else if (where === "nameList" && (parent === "allowLine" || parent === "channelSet")) channels();
  }
  if (lastMeaningful(context.statement) === undefined) {
    for (const snippet of statementSnippets(context.rule, vocabulary)) add(snippet);
  }
  return [...items.values()];
}

/** The tokens of a statement, or `undefined` when it is empty. */
function lastMeaningful(statement: readonly IToken[]): IToken | undefined {
  return statement[statement.length - 1];
}

function dslContext(text: string, offset: number, position: Position): DslContext | undefined {
  const before = text.slice(0, offset);
  const { tokens, comments } = tokenize(before);
  const lastComment = comments[comments.length - 1];
  // In a comment: nothing to complete.
  if (lastComment !== undefined && (lastComment.endOffset ?? lastComment.startOffset) + 1 >= offset && !/\n/.test(before.slice(lastComment.startOffset))) return undefined;
  let preceding = tokens;
  let replace: Range = { start: position, end: position };
  const last = tokens[tokens.length - 1];
  if (last !== undefined && (last.endOffset ?? last.startOffset) + 1 === offset) {
    if (last.tokenType === T.StringLiteral || last.tokenType === T.UnclosedString || last.tokenType === T.NumberLiteral) return undefined;
    if (isWordToken(last)) {
      preceding = tokens.slice(0, -1);
      replace = { start: { line: position.line, character: position.character - (offset - last.startOffset) }, end: position };
    }
  }
  if (preceding.some((t) => t.tokenType === T.UnclosedString)) return undefined;
  // The innermost open block, and where its current statement starts.
  const blocks: { kind: "policy" | "stage" | "block"; from: number }[] = [];
  let sawCadence = false;
  let from = 0;
  preceding.forEach((token, i) => {
    if (token.tokenType === T.Cadence) sawCadence = true;
    if (token.tokenType === T.LCurly) {
      const kind = blocks.length === 0 ? "policy" : preceding[i - 2]?.tokenType === T.Stage ? "stage" : "block";
      blocks.push({ kind, from: i + 1 });
      from = i + 1;
    } else if (token.tokenType === T.RCurly) {
      blocks.pop();
      from = i + 1;
    }
  });
  const block = blocks[blocks.length - 1];
  if (block === undefined) {
    // Before the policy's `{` the grammar is asked from the top; after its `}` nothing may follow.
    if (sawCadence && preceding[preceding.length - 1]?.tokenType === T.RCurly) return undefined;
    return { rule: "policy", statement: preceding, replace };
  }
  let start = from;
  for (let i = from; i < preceding.length; i++) {
    const token = preceding[i] as IToken;
    const firstOnLine = i === from || (preceding[i - 1]?.endLine ?? 0) < (token.startLine ?? 0);
    if (firstOnLine && STATEMENT_STARTS.has(token.tokenType)) start = i;
  }
  // `final stage closed` and the like end at the line's end: a new line after one starts a new statement.
  const statement = preceding.slice(start);
  const lastToken = statement[statement.length - 1];
  if (lastToken !== undefined && (lastToken.endLine ?? 0) < position.line + 1 && isCompleteStatement(block.kind === "policy" ? "policyItem" : "stageItem", statement)) {
    return { rule: block.kind === "policy" ? "policyItem" : "stageItem", statement: [], replace };
  }
  return { rule: block.kind === "policy" ? "policyItem" : "stageItem", statement, replace };
}

/** True when the tokens already form a whole statement (so a line break after them starts the next). */
function isCompleteStatement(rule: "policyItem" | "stageItem", statement: IToken[]): boolean {
  grammar.input = statement;
  try {
    grammar[rule]();
    return grammar.errors.length === 0;
  } finally {
    grammar.input = [];
  }
}

/** Completions for a condition's path: counters, `contact.`, `touch.`, the signal's props, or what follows a dot. */
function pathCompletions(statement: readonly IToken[], vocabulary: Vocabulary, add: (item: CompletionItem) => void): void {
  const last = statement[statement.length - 1];
  if (last?.tokenType === T.Dot) {
    const head = statement[statement.length - 2]?.image;
    const list = head === "contact" ? vocabulary.attributes : head === "touch" ? ["channel", "tags", ...vocabulary.touchProps] : [];
    for (const name of list) add({ label: name, kind: CompletionItemKind.Field, detail: head === "contact" ? "contact attribute" : "touch prop" });
    return;
  }
  for (const name of counters()) add({ label: name, kind: CompletionItemKind.Variable, detail: "counter", documentation: counterMeaning(name) ?? "" });
  add({ label: "contact.", kind: CompletionItemKind.Module, detail: "the contact's attributes", command: { title: "more", command: "editor.action.triggerSuggest" } });
  add({ label: "touch.", kind: CompletionItemKind.Module, detail: "the proposed touch: channel, tags, props", command: { title: "more", command: "editor.action.triggerSuggest" } });
  const signal = enclosingSignal(statement);
  if (signal !== undefined) {
    const props = vocabulary.declaredProps.get(signal) ?? [...(SIGNAL_PROPS[signal] ?? []), ...(vocabulary.signalProps.get(signal) ?? [])];
    for (const name of new Set(props)) add({ label: name, kind: CompletionItemKind.Field, detail: `\`${signal}\` prop` });
  }
}

/** The signal whose `where` the statement is in (`on reply where`, `never call without reply where`). */
function enclosingSignal(statement: readonly IToken[]): string | undefined {
  const where = statement.findIndex((t) => t.tokenType === T.Where);
  if (where < 1) return undefined;
  const signal = statement[where - 1];
  return signal?.tokenType === T.Identifier ? signal.image : undefined;
}

/** A snippet choice of names, or a placeholder when there are none. */
function choice(n: number, names: readonly string[], fallback: string): string {
  const usable = names.filter((name) => /^[A-Za-z0-9_-]+$/.test(name));
  return usable.length === 0 ? `\${${n}:${fallback}}` : `\${${n}|${usable.join(",")}|}`;
}

function snippet(label: string, detail: string, body: string): CompletionItem {
  return { label, kind: CompletionItemKind.Snippet, detail, insertText: body, insertTextFormat: InsertTextFormat.Snippet };
}

/** The statement forms that may start here, as snippets. */
function statementSnippets(rule: DslContext["rule"], v: Vocabulary): CompletionItem[] {
  const signals = [...new Set([...builtInSignals(), ...v.signals])];
  if (rule === "policy") {
    return [
      snippet(
        "cadence",
        "a policy",
        'cadence "${1:name}" {\n  channels ${2:email, call}\n\n  start stage ${3:prospecting} {\n    allow ${4:email, call}\n    after ${5:3} ignored touches move to ${6:closed}\n  }\n\n  final stage ${6:closed}\n\n  on unsubscribe move to ${6:closed}\n  at most ${7:3} touches per ${8:7 days}\n}\n',
      ),
    ];
  }
  const channels = ["touches", ...v.channels];
  const stages = v.stages;
  const forms: CompletionItem[] = [
    snippet("never … without …", "rule: until such a signal has been seen", `never ${choice(1, v.channels, "calendar-invite")} without ${choice(2, signals, "reply")}`),
    snippet("never … after …", "rule: for good once such a signal has been seen", `never ${choice(1, ["any", ...v.channels], "any")} after ${choice(2, signals, "unsubscribe")}`),
    snippet("never … within … of …", "rule: a wait after each such signal", `never ${choice(1, v.channels, "call")} within \${2:4 hours} of ${choice(3, signals, "content_download")}`),
    snippet("never … when …", "rule: while a condition holds", `never ${choice(1, ["any", ...v.channels], "any")} when \${2:contact.role == "analyst"}`),
    snippet("at most … per …", "rule: a limit over a window", `at most \${1:3} ${choice(2, channels, "touches")} per \${3:7 days}`),
    snippet("at least … between …", "rule: a spacing", `at least \${1:2 days} between ${choice(2, channels, "touches")}`),
    snippet("quiet hours … to …", "rule: local hours without touches", "quiet hours ${1:21:00} to ${2:08:00}"),
    snippet("only business days", "rule: weekdays that are not holidays", "only business days"),
    snippet("rule NAME: …", "a named rule", "rule ${1:name}: $0"),
    snippet("after N ignored touches move to …", "transition", `after \${1:2} ignored touches move to ${choice(2, stages, "nurture")}`),
    snippet("after N touches move to …", "transition", `after \${1:5} touches move to ${choice(2, stages, "nurture")}`),
    snippet("after DURATION move to …", "transition: time in stage", `after \${1:30 days} move to ${choice(2, stages, "closed")}`),
    snippet("on SIGNAL move to …", "transition", `on ${choice(1, signals, "reply")} move to ${choice(2, stages, "engaged")}`),
    snippet("on SIGNAL where … move to …", "transition", `on ${choice(1, signals, "reply")} where \${2:sentiment == "negative"} move to ${choice(3, stages, "closed")}`),
    snippet("when … move to …", "transition", `when \${1:total_touches >= 10} move to ${choice(2, stages, "closed")}`),
  ];
  if (rule === "stageItem") return [snippet("allow …", "the channels this stage allows", `allow ${choice(1, v.channels, "email")}`), ...forms];
  return [
    snippet("stage … { … }", "a stage", `stage \${1:name} {\n  allow ${choice(2, v.channels, "email")}\n  $0\n}`),
    snippet("start stage … { … }", "the start stage", `start stage \${1:prospecting} {\n  allow ${choice(2, v.channels, "email")}\n  $0\n}`),
    snippet("final stage …", "a final stage", "final stage ${1:closed}"),
    snippet("channels …", "the declared channels", "channels ${1:email, call}"),
    snippet("timezone from … else …", "where the contact's zone comes from", 'timezone from contact.timezone else "${1:America/New_York}"'),
    snippet("engagement …", "the signals that count as a response", `engagement ${choice(1, signals, "reply")}`),
    snippet("ignore window …", "when a touch counts as ignored", "ignore window ${1:3 days}"),
    snippet("holidays …", "dates skipped by business days", "holidays ${1:2026-12-25}"),
    snippet("attributes { … }", "the contact attributes the policy reads, with their types", "attributes {\n  ${1:role}: ${2|string,number,boolean,list|}\n}"),
    snippet("signals { … }", "the signals the policy names, with their props", "signals {\n  ${1:reply} { ${2:sentiment}: ${3|string,number,boolean,list|} }\n}"),
    ...forms,
  ];
}

// ------------------------------------------------------------ YAML

/** The keys whose values are names, and which names. */
const YAML_NAME_KEYS: Readonly<Record<string, "stages" | "channels" | "signals" | "condition">> = {
  moveTo: "stages",
  start: "stages",
  on: "signals",
  without: "signals",
  engagement: "signals",
  allow: "channels",
  never: "channels",
  between: "channels",
  for: "channels",
  where: "condition",
  when: "condition",
  unless: "condition",
};

/** The completions at a position of a YAML policy. */
export function completeYaml(text: string, position: Position, vocabulary: Vocabulary): CompletionItem[] {
  const lines = text.split(/\r?\n/);
  const line = (lines[position.line] ?? "").slice(0, position.character);
  if (/(^|\s)#/.test(line)) return [];
  const word = /[A-Za-z0-9_.-]*$/.exec(line)?.[0] ?? "";
  const replace: Range = { start: { line: position.line, character: position.character - word.length }, end: position };
  let key: string | undefined;
  const inline = /(?:^|[\s{,[-])([A-Za-z]+):\s*(?:\[[^\]]*|[^,{}[\]:]*)$/.exec(line);
  if (inline !== null) {
    key = inline[1];
  } else if (/^\s*-\s*[A-Za-z0-9_-]*$/.test(line)) {
    // An item of a block sequence: the key is on the nearest line above with less indentation.
    const indent = /^\s*/.exec(line)?.[0].length ?? 0;
    for (let i = position.line - 1; i >= 0; i--) {
      const above = lines[i] ?? "";
      if (above.trim() === "" || above.trim().startsWith("#")) continue;
      const aboveIndent = /^\s*/.exec(above)?.[0].length ?? 0;
      if (aboveIndent > indent || (aboveIndent === indent && /^\s*-/.test(above))) continue;
      key = /^\s*(?:-\s*)?([A-Za-z]+):\s*$/.exec(above)?.[1];
      break;
    }
  }
  if (key === undefined) return [];
  let what = YAML_NAME_KEYS[key];
  // `of:` names channels in `atMost` and a signal in `within ... of`.
  if (key === "of") what = /\batMost\b/.test(line) ? "channels" : "signals";
  if (what === undefined) return [];
  const item = (label: string, kind: CompletionItemKind, detail: string, documentation?: string): CompletionItem => ({
    label,
    kind,
    detail,
    textEdit: { range: replace, newText: label },
    ...(documentation === undefined ? {} : { documentation }),
  });
  switch (what) {
    case "stages":
      return vocabulary.stages.map((s) => item(s, CompletionItemKind.Class, "stage"));
    case "channels":
      return [...(key === "allow" ? [] : ["touches", "any"]), ...vocabulary.channels].map((c) => item(c, CompletionItemKind.EnumMember, "channel"));
    case "signals":
      return [...new Set([...builtInSignals(), ...vocabulary.signals])].map((s) => item(s, CompletionItemKind.Event, "signal", signalMeaning(s)));
    case "condition": {
      const items = counters().map((c) => item(c, CompletionItemKind.Variable, "counter", counterMeaning(c)));
      for (const a of vocabulary.attributes) items.push(item(`contact.${a}`, CompletionItemKind.Field, "contact attribute"));
      for (const p of ["channel", "tags", ...vocabulary.touchProps]) items.push(item(`touch.${p}`, CompletionItemKind.Field, "touch prop"));
      return items;
    }
  }
}

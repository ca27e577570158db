/**
 * The YAML front end: the second way into the policy AST (spec section 4).
 *
 * Three steps, every error kept as a diagnostic at the offending node:
 * 1. YAML syntax (the `yaml` package, positions from a `LineCounter`);
 * 2. the JSON Schema (`schema/heed-policy.schema.json`), each error turned
 *    into a plain message at the node it is about;
 * 3. the AST, with leaf values (durations, windows, conditions, times,
 *    `after:`) read by the DSL's own sub-grammars at their place in the file.
 *
 * @module
 */

import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  Parser,
  parseDocument,
  Scalar,
  visit,
  type Document,
  type Node as YamlNode,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import type * as A from "../ast.js";
import { SIMPLE_TYPES } from "../ast.js";
import { hasErrors, sortDiagnostics, type Diagnostic, type Span } from "../diagnostics.js";
import type { TextOrigin } from "../lexer/index.js";
import {
  parseAfterText,
  parseChannelSetText,
  parseConditionText,
  parseDurationText,
  parseQuietHoursText,
  parseWindowText,
  type LeafResult,
} from "./leaf.js";
import { MAX_DIAGNOSTICS, tooLarge } from "./dsl.js";
import { didYouMean, suggest } from "../suggest.js";
import { singularChannel } from "./names.js";
import { POLICY_SCHEMA } from "./yaml-schema.js";

/** Options of {@link parseYamlPolicy}. */
export interface ParseYamlOptions {
  /** The file name, shown in diagnostics' spans. */
  file?: string;
}

/** What {@link parseYamlPolicy} returns. */
export interface ParseYamlResult {
  /** The policy; absent whenever there is an error diagnostic. */
  policy: A.Policy | undefined;
  /** Every error found, sorted by position. */
  diagnostics: Diagnostic[];
}

let validator: ValidateFunction | undefined;

/** The schema, compiled once on first use. */
function schemaValidator(): ValidateFunction {
  if (validator === undefined) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
    validator = ajv.compile(POLICY_SCHEMA);
  }
  return validator;
}

/** Parses a `.heed.yaml` policy. Never throws; a policy is returned only when there is no error. */
export function parseYamlPolicy(text: string, options: ParseYamlOptions = {}): ParseYamlResult {
  const large = tooLarge(text, options.file);
  if (large !== undefined) return { policy: undefined, diagnostics: [large] };
  const deep = tooDeepAt(text);
  if (deep !== undefined) {
    const span = new Reader(text, lineCounterOf(text), options.file).spanAt(deep, deep);
    return { policy: undefined, diagnostics: [{ severity: "error", code: "too-deep", message: `the YAML is nested more than ${MAX_YAML_DEPTH} levels deep`, span }] };
  }
  // The YAML reader makes an Error for every problem it finds, thousands on
  // a long broken line, and capturing their stacks cost seconds; nothing
  // reads them. Set back before returning, whatever happens.
  // V8's own setting (Node and Chromium); elsewhere an ordinary property, read and set back alike.
  const errors = Error as { stackTraceLimit?: number };
  const stackTraceLimit = errors.stackTraceLimit;
  errors.stackTraceLimit = 0;
  try {
    return parseUnguarded(text, options);
  } catch (error) {
    // A bug must not surface as a stack trace in front of a user: report it as a diagnostic.
    const span: Span = { line: 1, column: 1, endLine: 1, endColumn: 1 };
    if (options.file !== undefined) span.file = options.file;
    if (error instanceof RangeError) {
      return { policy: undefined, diagnostics: [{ severity: "error", code: "too-deep", message: "the YAML is nested too deeply to read", span }] };
    }
    const message = error instanceof Error ? error.message : String(error);
    return {
      policy: undefined,
      diagnostics: [{ severity: "error", code: "internal", message: `could not read the policy: ${message}`, span }],
    };
  } finally {
    errors.stackTraceLimit = stackTraceLimit;
  }
}

/** How deep maps, lists and flow collections may nest in a YAML policy (a policy needs five levels). */
export const MAX_YAML_DEPTH = 64;

function lineCounterOf(text: string): LineCounter {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lines.addNewLine(i + 1);
  return lines;
}

/**
 * The offset where a YAML text first nests deeper than {@link MAX_YAML_DEPTH}
 * levels below its top map, if it does: block levels (lines indented
 * further, and each \`- \` that opens a list on a line) plus open flow
 * brackets, outside quotes and comments. The YAML reader recurses per level
 * and took seconds, then overflowed its stack, on a few hundred thousand
 * brackets; a scan of the text answers first, in one pass.
 */
function tooDeepAt(text: string): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  let quote = "";
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== "") {
      if (quote === '"' && c === "\\") i++;
      else if (c === quote) {
        if (quote === "'" && text[i + 1] === "'") i++;
        else quote = "";
      }
      continue;
    }
    if (lineStart && flow === 0) {
      // the indentation of a line with content, then the `- ` entries opening lists on it
      let at = i;
      while (text[at] === " ") at++;
      const first = text[at];
      if (first === undefined || first === "\n" || first === "\r" || first === "#") {
        i = at - 1;
        lineStart = false;
        continue;
      }
      while (indents.length > 0 && indents[indents.length - 1]! >= at - i) indents.pop();
      indents.push(at - i);
      while (text[at] === "-" && (text[at + 1] === " " || text[at + 1] === "\t")) {
        at += 2;
        while (text[at] === " ") at++;
        indents.push(at - i);
      }
      if (indents.length - 1 > MAX_YAML_DEPTH) return at;
      i = at - 1;
      lineStart = false;
      continue;
    }
    const before = i === 0 ? "\n" : text[i - 1]!;
    switch (c) {
      case "\n":
        lineStart = true;
        break;
      case "#":
        if (before === " " || before === "\t" || before === "\n") {
          while (i + 1 < text.length && text[i + 1] !== "\n") i++;
        }
        break;
      case '"':
      case "'":
        // a quote opens a scalar only at its start (`Bob's` is plain text)
        if (" \t\n[{,:-".includes(before)) quote = c;
        break;
      case "[":
      case "{":
        flow++;
        if (Math.max(indents.length - 1, 0) + flow > MAX_YAML_DEPTH) return i;
        break;
      case "]":
      case "}":
        flow = Math.max(0, flow - 1);
        break;
    }
  }
  return undefined;
}

/**
 * Runs `make` with no stack traces captured for the errors it creates. The
 * `yaml` package makes an `Error` for every problem it meets, and a hostile
 * text has tens of thousands (a 400 kB line of brackets: 77,000, two thirds
 * of its parse time spent capturing stacks no one reads); only the first per
 * line is reported, from its code and position.
 */
function withoutStackTraces<T>(make: () => T): T {
  // V8's own property: the page's TypeScript (no Node types) does not know it, browsers other than Chromium ignore it
  const errors = Error as { stackTraceLimit?: number };
  const limit = errors.stackTraceLimit;
  errors.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    errors.stackTraceLimit = limit;
  }
}

function parseUnguarded(text: string, options: ParseYamlOptions): ParseYamlResult {
  const lineCounter = new LineCounter();
  const doc = withoutStackTraces(() => parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: "1.2" }));
  const reader = new Reader(text, lineCounter, options.file);
  const lines = new Set<number>();
  for (const error of doc.errors) {
    // One message per line: the ones after the first follow from it. The line is known from the
    // error's position; the message (which may look around the text) is made only for the first.
    const line = lineCounter.linePos(Math.min(error.pos[0], text.length)).line;
    if (lines.has(line)) continue;
    lines.add(line);
    reader.diagnostics.push(reader.yamlError(doc, error.code, error.message, error.pos));
    if (reader.diagnostics.length >= MAX_DIAGNOSTICS) break;
  }
  if (reader.diagnostics.length > 0) return { policy: undefined, diagnostics: sortDiagnostics(reader.diagnostics) };

  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    reader.error("expected a policy: a map with `cadence`, `channels` and the rest", reader.spanAt(0, Math.max(0, text.length - 1)));
    return { policy: undefined, diagnostics: sortDiagnostics(reader.diagnostics) };
  }

  reader.unsupported(doc);
  if (reader.diagnostics.length > 0) return { policy: undefined, diagnostics: sortDiagnostics(reader.diagnostics) };
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  const validate = schemaValidator();
  if (!validate(data)) reader.schemaErrors(doc, validate.errors ?? []);
  const schemaFailed = hasErrors(reader.diagnostics);

  const policy = isMap(doc.contents) ? reader.policy(doc.contents) : undefined;
  if (policy !== undefined) {
    const comments = yamlComments(text).map(([offset, source]) => ({
      text: source.slice(1).trimEnd(),
      span: reader.spanAt(offset, offset + source.length - 1),
    }));
    if (comments.length > 0) policy.comments = comments;
  }
  const diagnostics = sortDiagnostics(reader.diagnostics);
  return { policy: schemaFailed || hasErrors(diagnostics) ? undefined : policy, diagnostics };
}

/**
 * The comments of a YAML text with their offsets, the editor's schema line
 * aside (the YAML printer writes its own): kept on the policy, so that
 * `heed convert` carries them into the DSL, where the formatter places them.
 */
function yamlComments(text: string): [number, string][] {
  const found: [number, string][] = [];
  const visitToken = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visitToken(item);
    } else if (value !== null && typeof value === "object") {
      const token = value as { type?: unknown; offset?: unknown; source?: unknown };
      if (token.type === "comment" && typeof token.offset === "number" && typeof token.source === "string") {
        if (!/^#\s*yaml-language-server:/.test(token.source)) found.push([token.offset, token.source]);
        return;
      }
      for (const inner of Object.values(value)) visitToken(inner);
    }
  };
  for (const token of new Parser().parse(text)) visitToken(token);
  return found.sort((a, b) => a[0] - b[0]);
}

// ------------------------------------------------------------ messages

const YAML_MESSAGES: ReadonlyMap<string, string> = new Map([
  ["TAB_AS_INDENT", "tabs are not allowed as indentation; indent with spaces"],
  ["BAD_INDENT", "bad indentation"],
  ["MULTILINE_IMPLICIT_KEY", "a key must be on a single line (is a `:` or a closing quote missing?)"],
  ["BLOCK_AS_IMPLICIT_KEY", "bad indentation or a missing line break before a nested map or list"],
]);

/** The word for what a value is, for `expected X, got Y`. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "number") return "a number";
  if (typeof value === "boolean") return `\`${String(value)}\``;
  if (typeof value === "string") return `\`${value}\``;
  return "a map";
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** Where in the policy a path points, for `unknown field ... in X` and `X needs ...`. */
function contextOf(path: readonly string[]): string {
  const last = path[path.length - 1];
  const before = path[path.length - 2];
  if (path.length === 0) return "the policy";
  if (path.length === 1 && last === "timezone") return "`timezone`";
  if (before === "stages" && path.length === 2) return `stage \`${last ?? ""}\``;
  if (before === "rules") return "a rule";
  if (before === "transitions") return "a transition";
  return `\`${last ?? ""}\``;
}

/** Which keys belong to which rule form, for the front end's own form checks. */
const NEVER_KEYS = new Set(["id", "never", "tagged", "without", "after", "within", "of", "where", "when", "unless"]);
const FORM_KEYS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ["never", NEVER_KEYS],
  ["atMost", new Set(["id", "atMost", "of", "per", "by", "across", "when", "unless"])],
  ["atLeast", new Set(["id", "atLeast", "between", "when", "unless"])],
  ["quietHours", new Set(["id", "quietHours", "for", "when", "unless"])],
  ["onlyBusinessDays", new Set(["id", "onlyBusinessDays", "for", "when", "unless"])],
]);
const FORMS = [...FORM_KEYS.keys()];

// ------------------------------------------------------------ the reader

type Field = { key: Scalar; value: YamlNode | null };

class Reader {
  readonly diagnostics: Diagnostic[] = [];
  /** The declared channels, for plural names after a count. */
  private declared: string[] = [];

  constructor(
    private readonly text: string,
    private readonly lines: LineCounter,
    private readonly file: string | undefined,
  ) {}

  // ---------------------------------------------------------- positions

  /** The span from `start` to `last` (inclusive offsets). */
  spanAt(start: number, last: number): Span {
    const from = this.lines.linePos(start);
    const to = this.lines.linePos(Math.max(start, last));
    const span: Span = { line: from.line, column: from.col, endLine: to.line, endColumn: to.col, offset: start, endOffset: Math.max(start, last) + 1 };
    if (this.file !== undefined) span.file = this.file;
    return span;
  }

  spanOf(node: YamlNode | null | undefined): Span | undefined {
    const range = node?.range;
    if (!range) return undefined;
    let end = range[1];
    // A block value's range runs to the line break; point at its text.
    while (end > range[0] && /\s/.test(this.text[end - 1] ?? "")) end--;
    return this.spanAt(range[0], Math.max(range[0], end - 1));
  }

  origin(offset: number): TextOrigin {
    const pos = this.lines.linePos(offset);
    const origin: TextOrigin = { line: pos.line, column: pos.col, offset };
    if (this.file !== undefined) origin.file = this.file;
    return origin;
  }

  error(message: string, span: Span | undefined, code = "schema"): void {
    const diagnostic: Diagnostic = { severity: "error", code, message };
    if (span !== undefined) diagnostic.span = span;
    this.diagnostics.push(diagnostic);
  }

  yamlError(doc: Document, code: string, message: string, pos: [number, number]): Diagnostic {
    let text = YAML_MESSAGES.get(code);
    // An unclosed quote or bracket is reported where the text ends: point at where it opens.
    const unclosedQuote = code === "MISSING_CHAR" && /quote/i.test(message);
    const unclosedFlow = code === "BAD_INDENT" && /Flow (sequence|map)/.test(message);
    if (unclosedQuote || unclosedFlow) {
      const opening = openingBefore(doc, pos[0], unclosedQuote);
      if (opening !== undefined) pos = [opening, opening + 1];
    }
    if (code === "MISSING_CHAR" && /quote/i.test(message)) text = "missing closing quote";
    else if (code === "DUPLICATE_KEY") {
      const line = this.text.slice(pos[0], pos[0] + 200).split(/[:\n]/)[0]?.trim() ?? "";
      text = line === "" ? "duplicate key" : `duplicate key \`${line}\``;
    } else if (code === "BAD_INDENT" && /Flow sequence/.test(message)) text = "a list opened with `[` must be closed with `]` (or is indented too little)";
    else if (code === "BAD_INDENT" && /Flow map/.test(message)) text = "a map opened with `{` must be closed with `}` (or is indented too little)";
    if (text === undefined) {
      const first = (message.split("\n")[0] ?? message).replace(/\.$/, "").replace(/"([^"]*)"/g, "`$1`");
      text = first.charAt(0).toLowerCase() + first.slice(1);
    }
    const last = Math.max(pos[0], Math.min(pos[1], this.text.length) - 1);
    return { severity: "error", code: "yaml", message: text, span: this.spanAt(pos[0], last) };
  }

  /** YAML features a policy has no use for, which would not read back as plain data. */
  unsupported(doc: Document): void {
    visit(doc, {
      Alias: (_key, node) => {
        this.error(`aliases such as \`*${node.source}\` are not supported in policies; write the value out`, this.spanOf(node), "yaml");
      },
      Node: (_key, node) => {
        const tag = node.tag;
        if (tag !== undefined && !/^tag:yaml\.org,2002:(str|int|float|bool|null|seq|map)$/.test(tag)) {
          const written = tag.replace(/^tag:yaml\.org,2002:/, "!!");
          this.error(`tags such as \`${written}\` are not supported in policies`, this.tagSpan(node), "yaml");
        }
      },
      Pair: (_key, pair) => {
        if (pair.key !== null && !isScalar(pair.key)) this.error("a key must be a plain name, not a list or a map", this.spanOf(pair.key as YamlNode), "yaml");
      },
    });
  }

  /** The span of the tag written before a node (`!!binary`); a node's range starts after it. */
  private tagSpan(node: YamlNode): Span | undefined {
    const start = node.range?.[0];
    if (start === undefined) return this.spanOf(node);
    let end = start;
    while (end > 0 && /[ \t]/.test(this.text[end - 1] ?? "")) end--;
    let begin = end;
    while (begin > 0 && /\S/.test(this.text[begin - 1] ?? "")) begin--;
    return this.text[begin] === "!" ? this.spanAt(begin, end - 1) : this.spanOf(node);
  }

  // ---------------------------------------------------------- schema errors

  schemaErrors(doc: Document, errors: readonly ErrorObject[]): void {
    const reported = new Set<string>();
    const report = (message: string, given: Span | undefined): void => {
      // every message has a place: the top of the document when the node has none
      const span = given ?? this.spanOf(doc.contents) ?? this.spanAt(0, 0);
      const key = `${span?.offset ?? -1}:${message}`;
      if (reported.has(key)) return;
      reported.add(key);
      this.error(message, span);
    };
    // A value that matches none of several shapes (a channel set) is one
    // problem: report it once, unless an error inside it says more.
    const alternatives = new Set(errors.filter((e) => e.keyword === "anyOf" && !isFormChoice(e)).map((e) => e.instancePath));
    // `moveto` for `moveTo`: the unknown field's message says it all.
    const suggested = new Set<string>();
    for (const error of errors) {
      if (error.keyword !== "additionalProperties") continue;
      const field = String((error.params as { additionalProperty: string }).additionalProperty);
      const properties = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      const guess = suggest(field, properties);
      if (guess !== undefined) suggested.add(`${error.instancePath}/${guess}`);
    }
    for (const error of errors) {
      if (error.keyword === "anyOf" && isFormChoice(error)) continue; // forms are checked with the AST
      if (error.keyword === "required" && suggested.has(`${error.instancePath}/${String((error.params as { missingProperty: string }).missingProperty)}`)) continue;
      if (error.keyword === "required" && /\/anyOf\/\d+\/required$/.test(error.schemaPath)) continue;
      if (error.keyword === "propertyNames") continue; // the `pattern` error on the name says it
      if (error.keyword === "if") continue; // the errors of the branch taken say it (`holidays`)
      const path = error.instancePath === "" ? [] : error.instancePath.slice(1).split("/").map(unescapePointer);
      const node = nodeAt(doc, path);
      const parent = error.parentSchema as { title?: string; type?: unknown; minimum?: number; const?: unknown } | undefined;
      const title = parent?.title ?? "something else";
      const name = path[path.length - 1] ?? "";
      if (error.keyword !== "anyOf" && alternatives.has(error.instancePath)) continue;
      if (error.keyword === "anyOf") {
        const deeper = errors.some((e) => e.instancePath.startsWith(`${error.instancePath}/`));
        if (!deeper) report(`expected ${title}, got ${describe(error.data)}`, this.spanOf(node));
        continue;
      }
      switch (error.keyword) {
        case "additionalProperties": {
          const field = String((error.params as { additionalProperty: string }).additionalProperty);
          const properties = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
          const where = contextOf(path);
          // a key written as nothing (`{: x}`) is the field `""`; it is pointed at by its map
          const keyNode = (isMap(node) ? findPair(node, field)?.key : undefined) ?? node;
          if (properties.length === 0) report(`unknown field \`${field}\` in ${where}`, this.spanOf(keyNode as YamlNode | undefined));
          else report(`unknown field \`${field}\` in ${where}${didYouMean(field, properties)}`, this.spanOf(keyNode as YamlNode | undefined));
          break;
        }
        case "required": {
          const field = String((error.params as { missingProperty: string }).missingProperty);
          const where = contextOf(path);
          const subject = where === "the policy" ? "a policy" : where;
          report(`${subject} needs \`${field}\``, this.spanOf(node));
          break;
        }
        case "type":
        case "minimum":
        case "const":
          if (parent?.type === "integer") report(`\`${name}\` must be a whole number of at least ${parent.minimum ?? 0}`, this.spanOf(node));
          else if (parent?.const !== undefined) report(`\`${name}\` must be \`${String(parent.const)}\``, this.spanOf(node));
          else report(`expected ${title}, got ${describe(error.data)}`, this.spanOf(node));
          break;
        case "minLength":
          report(`\`${name}\` must not be empty`, this.spanOf(node));
          break;
        case "pattern": {
          // Leaf values get a precise message from their sub-grammar with the AST.
          if (LEAF_PATTERNS.has(title)) break;
          if (path[0] === "stages" && path.length === 1) break;
          report(`\`${String(error.data)}\` is not ${title}`, this.spanOf(node));
          break;
        }
        default:
          report(`${name === "" ? "the policy" : `\`${name}\``} ${error.message ?? "is not valid"}`, this.spanOf(node));
      }
    }
    // Stage names are map keys: check them here, where the key is known.
    const stages = isMap(doc.contents) ? findPair(doc.contents, "stages")?.value : undefined;
    if (isMap(stages)) {
      for (const pair of stages.items) {
        const key = pair.key;
        if (isScalar(key) && !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(String(key.value))) {
          report(`\`${String(key.value)}\` is not a stage name (letters, digits, \`_\` and \`-\`)`, this.spanOf(key));
        }
      }
    }
  }

  // ---------------------------------------------------------- leaves

  /** The text of a scalar as written, with the origin of its first character. */
  private leafSource(node: Scalar): { text: string; origin: TextOrigin } {
    const value = String(node.value);
    const range = node.range;
    if (!range) return { text: value, origin: this.origin(0) };
    const raw = this.text.slice(range[0], range[1]);
    if (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) {
      const inner = raw.slice(1, -1);
      return { text: inner === value ? inner : value, origin: this.origin(range[0] + 1) };
    }
    if (node.type === Scalar.BLOCK_FOLDED || node.type === Scalar.BLOCK_LITERAL) {
      // The text starts on the line after the `>` or `|` header, at its indentation.
      const header = raw.indexOf("\n");
      const first = header < 0 ? -1 : raw.slice(header + 1).search(/\S/);
      return { text: value, origin: this.origin(first < 0 ? range[0] : range[0] + header + 1 + first) };
    }
    return { text: value, origin: this.origin(range[0]) };
  }

  private leaf<T>(node: YamlNode | null | undefined, parse: (text: string, origin: TextOrigin) => LeafResult<T>): T | undefined {
    if (!isScalar(node) || typeof node.value !== "string") return undefined;
    const { text, origin } = this.leafSource(node);
    const result = parse(text, origin);
    for (const diagnostic of result.diagnostics) this.diagnostics.push(diagnostic);
    return result.value;
  }

  private ident(node: YamlNode | null | undefined): A.Ident | undefined {
    if (!isScalar(node) || typeof node.value !== "string") return undefined;
    const ident: A.Draft<A.Ident> = { name: node.value };
    const span = this.spanOf(node);
    if (span) ident.span = span;
    return ident;
  }

  private stringLit(node: YamlNode | null | undefined): A.StringLit | undefined {
    const ident = this.ident(node);
    if (ident === undefined) return undefined;
    const lit: A.Draft<A.StringLit> = { value: ident.name };
    if (ident.span) lit.span = ident.span;
    return lit;
  }

  private identList(node: YamlNode | null | undefined): A.Ident[] | undefined {
    if (!isSeq(node)) return undefined;
    const out: A.Ident[] = [];
    for (const item of node.items) {
      const ident = this.ident(item as YamlNode);
      if (ident === undefined) return undefined;
      out.push(ident);
    }
    return out;
  }

  private condition(node: YamlNode | null | undefined): A.Expr | undefined {
    return this.leaf(node, parseConditionText);
  }

  private duration(node: YamlNode | null | undefined): A.Duration | undefined {
    return this.leaf(node, parseDurationText);
  }

  /** A channel set: a name, `any`, `touches`, or a list of names; plural names map to declared channels after a count. */
  private channelSet(node: YamlNode | null | undefined, counted = false): A.ChannelSet | undefined {
    if (isSeq(node)) {
      const idents = this.identList(node);
      if (idents === undefined) return undefined;
      const channels = counted ? idents.map((i) => ({ ...i, name: singularChannel(i.name, this.declared) })) : idents;
      const set: A.Draft<A.ChannelList> = { kind: "list", channels };
      const span = this.spanOf(node);
      if (span) set.span = span;
      return set;
    }
    return this.leaf(node, (text, origin) => parseChannelSetText(text, origin, counted ? this.declared : undefined));
  }

  // ---------------------------------------------------------- structure

  policy(root: YAMLMap): A.Draft<A.Policy> | undefined {
    const f = fields(root);
    this.declared = (this.identList(f.get("channels")?.value) ?? []).map((c) => c.name);
    const name = this.stringLit(f.get("cadence")?.value);
    const channels = this.identList(f.get("channels")?.value);
    const policy: A.Draft<A.Policy> = {
      name: name ?? { value: "" },
      channels: channels ?? [],
      stages: [],
      transitions: this.transitions(f.get("transitions")?.value),
      rules: this.rules(f.get("rules")?.value),
    };
    const span = this.spanOf(root);
    if (span) policy.span = span;
    const appliesWhen = f.get("appliesWhen");
    if (appliesWhen) {
      const expr = this.condition(appliesWhen.value);
      if (expr) policy.appliesWhen = expr;
    }
    const timezone = f.get("timezone")?.value;
    if (isMap(timezone)) {
      const tz = fields(timezone);
      const from = tz.get("from")?.value;
      if (isScalar(from) && typeof from.value === "string") {
        const path: A.Draft<A.PathRef> = { kind: "path", segments: from.value.split(".") };
        const fromSpan = this.spanOf(from);
        if (fromSpan) path.span = fromSpan;
        const spec: A.Draft<A.TimezoneSpec> = { from: path };
        const fallback = this.stringLit(tz.get("fallback")?.value);
        if (fallback) spec.fallback = fallback;
        const tzSpan = this.spanOf(timezone);
        if (tzSpan) spec.span = tzSpan;
        policy.timezone = spec;
      }
    }
    const engagement = this.identList(f.get("engagement")?.value);
    if (engagement) policy.engagement = engagement;
    const ignoreWindow = f.get("ignoreWindow");
    if (ignoreWindow) {
      const duration = this.duration(ignoreWindow.value);
      if (duration) policy.ignoreWindow = duration;
    }
    let holidays = f.get("holidays")?.value;
    if (isMap(holidays)) {
      // `holidays: { from: contact.country, fallback: US, dates: [...] }`
      const h = fields(holidays);
      const from = h.get("from")?.value;
      if (isScalar(from) && typeof from.value === "string") {
        const path: A.Draft<A.PathRef> = { kind: "path", segments: from.value.split(".") };
        const fromSpan = this.spanOf(from);
        if (fromSpan) path.span = fromSpan;
        const spec: A.Draft<A.HolidaysFromSpec> = { from: path };
        const fallback = this.stringLit(h.get("fallback")?.value);
        if (fallback) spec.fallback = fallback;
        const specSpan = this.spanOf(holidays);
        if (specSpan) spec.span = specSpan;
        policy.holidaysFrom = spec;
      }
      holidays = h.get("dates")?.value;
    }
    if (isSeq(holidays)) {
      policy.holidays = [];
      for (const item of holidays.items) {
        if (!isScalar(item) || item.range === undefined || item.range === null) continue;
        // The date as written, whatever type YAML gave it.
        const date: A.Draft<A.DateLit> = { date: item.value instanceof Date ? this.text.slice(item.range[0], item.range[1]).trim() : String(item.value) };
        const dateSpan = this.spanOf(item);
        if (dateSpan) date.span = dateSpan;
        policy.holidays.push(date);
      }
    }
    const attributes = f.get("attributes");
    if (attributes !== undefined && isMap(attributes.value)) {
      const block: A.Draft<A.AttributesBlock> = { declarations: this.declarations(attributes.value) };
      const blockSpan = this.pairSpan(attributes);
      if (blockSpan) block.span = blockSpan;
      policy.attributes = block;
    }
    const signals = f.get("signals");
    if (signals !== undefined && isMap(signals.value)) {
      const block: A.Draft<A.SignalsBlock> = { declarations: [] };
      for (const pair of signals.value.items) {
        const name = this.ident(pair.key as YamlNode);
        if (name === undefined) continue;
        const props = pair.value as YamlNode | null;
        const declaration: A.Draft<A.SignalDeclaration> = { name, props: isMap(props) ? this.declarations(props) : [] };
        const span = this.pairSpan({ key: pair.key as Scalar, value: props });
        if (span) declaration.span = span;
        block.declarations.push(declaration);
      }
      const blockSpan = this.pairSpan(signals);
      if (blockSpan) block.span = blockSpan;
      policy.signals = block;
    }
    const stages = f.get("stages")?.value;
    const start = f.get("start")?.value;
    const startName = isScalar(start) && typeof start.value === "string" ? start.value : undefined;
    if (isMap(stages)) {
      for (const pair of stages.items) {
        const stage = this.stage(pair, startName);
        if (stage) policy.stages.push(stage);
      }
    }
    if (startName !== undefined) {
      const names = policy.stages.map((s) => s.name.name);
      if (!names.includes(startName)) {
        const detail = names.length === 0 ? " (the policy has no `stages`)" : didYouMean(startName, names);
        this.error(`unknown stage \`${startName}\` for \`start\`${detail}`, this.spanOf(start as YamlNode), "unknown-stage");
      }
    }
    return policy;
  }

  /** The span of a key and its value, from the key to the end of the value. */
  private pairSpan(field: Field): Span | undefined {
    const keySpan = this.spanOf(field.key);
    const valueSpan = this.spanOf(field.value);
    if (keySpan === undefined || valueSpan === undefined) return keySpan;
    return { ...keySpan, endLine: valueSpan.endLine, endColumn: valueSpan.endColumn, ...(valueSpan.endOffset !== undefined ? { endOffset: valueSpan.endOffset } : {}) };
  }

  /** `{ customer: boolean, role: [analyst, student] }`: declarations with their types (a type the schema refused is left out). */
  private declarations(map: YAMLMap): A.Declaration[] {
    const out: A.Declaration[] = [];
    for (const pair of map.items) {
      const name = this.ident(pair.key as YamlNode);
      const value = pair.value as YamlNode | null;
      if (name === undefined) continue;
      let type: A.Draft<A.ValueType> | undefined;
      if (isScalar(value) && typeof value.value === "string" && (SIMPLE_TYPES as readonly string[]).includes(value.value)) {
        type = { kind: value.value as A.SimpleTypeName };
      } else if (isSeq(value) && value.items.length > 0) {
        const values = value.items.map((item) => this.stringLit(item as YamlNode));
        if (values.every((v): v is A.StringLit => v !== undefined)) type = { kind: "choice", values };
      }
      if (type === undefined) continue;
      const typeSpan = this.spanOf(value);
      if (typeSpan) type.span = typeSpan;
      const declaration: A.Draft<A.Declaration> = { name, type };
      const span = this.pairSpan({ key: pair.key as Scalar, value });
      if (span) declaration.span = span;
      out.push(declaration);
    }
    return out;
  }

  private stage(pair: Pair, startName: string | undefined): A.Stage | undefined {
    const name = this.ident(pair.key as YamlNode);
    if (name === undefined) return undefined;
    const value = pair.value as YamlNode | null;
    const stage: A.Draft<A.Stage> = { name, start: name.name === startName, final: false, rules: [], transitions: [] };
    const keySpan = this.spanOf(pair.key as YamlNode);
    const valueSpan = this.spanOf(value);
    if (keySpan) {
      stage.span = valueSpan ? { ...keySpan, endLine: valueSpan.endLine, endColumn: valueSpan.endColumn, endOffset: valueSpan.endOffset ?? keySpan.endOffset } : keySpan;
    }
    if (!isMap(value)) return stage;
    const f = fields(value);
    const final = f.get("final")?.value;
    if (isScalar(final) && final.value === true) stage.final = true;
    const allow = f.get("allow")?.value;
    if (allow !== undefined) {
      let channels: A.Ident[] | undefined;
      if (isSeq(allow)) channels = this.identList(allow);
      else {
        const single = this.ident(allow);
        channels = single ? [single] : undefined;
      }
      if (channels) {
        const list: A.Draft<A.ChannelList> = { kind: "list", channels };
        const span = this.spanOf(allow);
        if (span) list.span = span;
        stage.allow = list;
      }
    }
    stage.rules = this.rules(f.get("rules")?.value);
    stage.transitions = this.transitions(f.get("transitions")?.value);
    return stage;
  }

  private transitions(node: YamlNode | null | undefined): A.Transition[] {
    if (!isSeq(node)) return [];
    const out: A.Transition[] = [];
    for (const item of node.items) {
      if (!isMap(item)) continue;
      const transition = this.transition(item);
      if (transition) out.push(transition);
    }
    return out;
  }

  private transition(map: YAMLMap): A.Transition | undefined {
    const f = fields(map);
    const triggers = [...f.keys()].filter((k) => ["after", "on", "when"].includes(k));
    const span = this.spanOf(map);
    if (triggers.length === 0) {
      this.error("a transition needs `after`, `on` or `when`", span);
      return undefined;
    }
    if (triggers.length > 1) {
      const second = f.get(triggers[1]!)!;
      this.error(`a transition takes one of \`after\`, \`on\` or \`when\`, not both \`${triggers[0]!}\` and \`${triggers[1]!}\``, this.spanOf(second.key));
      return undefined;
    }
    const kind = triggers[0]!;
    const where = f.get("where");
    if (where && kind !== "on") {
      this.error(`\`where\` goes with \`on\`, not with \`${kind}\` (put the whole condition in \`when\`)`, this.spanOf(where.key));
    }
    let trigger: A.Trigger | undefined;
    const value = f.get(kind)!.value;
    if (kind === "after") trigger = this.leaf(value, parseAfterText);
    else if (kind === "when") {
      const condition = this.condition(value);
      if (condition) trigger = { kind: "when", condition, ...spanField(this.spanOf(value)) };
    } else {
      const signal = this.ident(value);
      if (signal) {
        const signalTrigger: A.Draft<A.SignalTrigger> = { kind: "signal", signal, ...spanField(this.spanOf(value)) };
        if (where) {
          const condition = this.condition(where.value);
          if (condition === undefined) return undefined;
          signalTrigger.where = condition;
        }
        trigger = signalTrigger;
      }
    }
    const target = this.ident(f.get("moveTo")?.value);
    if (trigger === undefined || target === undefined) return undefined;
    const transition: A.Draft<A.Transition> = { trigger, target };
    if (span) transition.span = span;
    return transition;
  }

  private rules(node: YamlNode | null | undefined): A.Rule[] {
    if (!isSeq(node)) return [];
    const out: A.Rule[] = [];
    for (const item of node.items) {
      if (!isMap(item)) continue;
      const rule = this.rule(item);
      if (rule) out.push(rule);
    }
    return out;
  }

  private rule(map: YAMLMap): A.Rule | undefined {
    const f = fields(map);
    const rule = this.ruleForm(map, f);
    if (rule === undefined || rule.kind === "never-when") return rule;
    // `when:` or `unless:` on any other rule: where it applies (spec section 8.3)
    const when = f.get("when");
    const unless = f.get("unless");
    if (when && unless) {
      this.error("a rule takes `when` or `unless`, not both (join the two with `and`)", this.spanOf(unless.key));
      return undefined;
    }
    const field = when ?? unless;
    if (field === undefined) return rule;
    const condition = this.condition(field.value);
    if (!condition) return undefined;
    return { ...rule, [when ? "when" : "unless"]: condition };
  }

  private ruleForm(map: YAMLMap, f: Map<string, Field>): A.Rule | undefined {
    const span = this.spanOf(map);
    const forms = [...f.keys()].filter((k) => FORMS.includes(k));
    if (forms.length === 0) {
      this.error("a rule needs one of `never`, `atMost`, `atLeast`, `quietHours` or `onlyBusinessDays`", span);
      return undefined;
    }
    if (forms.length > 1) {
      this.error(`a rule has one form: \`${forms[0]!}\` and \`${forms[1]!}\` cannot go together`, this.spanOf(f.get(forms[1]!)!.key));
      return undefined;
    }
    const form = forms[0]!;
    let misplaced = false;
    for (const [key, field] of f) {
      if (!FORM_KEYS.get(form)!.has(key) && knownRuleKey(key)) {
        this.error(`\`${key}\` does not go with \`${form}\``, this.spanOf(field.key));
        misplaced = true;
      }
    }
    const name = this.ident(f.get("id")?.value);
    const base: A.Draft<A.RuleBase> = {};
    if (name) base.name = name;
    if (span) base.span = span;
    const forChannels = (): A.ChannelSet | undefined | null => {
      const field = f.get("for");
      if (field === undefined) return undefined;
      return this.channelSet(field.value) ?? null;
    };
    const needs = (key: string, what: string): Field | undefined => {
      const field = f.get(key);
      if (field === undefined) this.error(`${what} needs \`${key}\``, span);
      return field;
    };
    switch (form) {
      case "never":
        return misplaced ? undefined : this.neverRule(f, base, span);
      case "atMost": {
        const of = needs("of", "an `atMost` rule");
        const per = needs("per", "an `atMost` rule");
        const countNode = f.get("atMost")!.value;
        const channels = of ? this.channelSet(of.value, true) : undefined;
        const window = per ? this.leaf(per.value, parseWindowText) : undefined;
        const across = f.get("across");
        if (across !== undefined && !(isScalar(across.value) && across.value.value === "account")) {
          this.error("`across` takes `account` (the touches of every contact of the account count)", this.spanOf(across.value) ?? span);
          return undefined;
        }
        const byField = f.get("by");
        if (across !== undefined && byField !== undefined) {
          this.error("`by` and `across` cannot be combined on one rule: write two rules", this.spanOf(byField.key) ?? span);
          return undefined;
        }
        const by = byField ? this.ident(byField.value) : undefined;
        if (misplaced || !isScalar(countNode) || typeof countNode.value !== "number" || !channels || !window || (byField && !by)) return undefined;
        if (across !== undefined) return { ...base, kind: "at-most-account", count: countNode.value, channels, window };
        const rule: A.Draft<A.AtMostRule> = { ...base, kind: "at-most", count: countNode.value, channels, window };
        if (by) rule.by = by;
        return rule;
      }
      case "atLeast": {
        const between = needs("between", "an `atLeast` rule");
        const duration = this.duration(f.get("atLeast")!.value);
        const channels = between ? this.channelSet(between.value) : undefined;
        if (misplaced || !duration || !channels) return undefined;
        return { ...base, kind: "at-least", duration, channels };
      }
      case "quietHours": {
        const range = this.leaf(f.get("quietHours")!.value, parseQuietHoursText);
        const channels = forChannels();
        if (misplaced || !range || channels === null) return undefined;
        const rule: A.Draft<A.QuietHoursRule> = { ...base, kind: "quiet-hours", start: range.start, end: range.end };
        if (channels) rule.channels = channels;
        return rule;
      }
      case "onlyBusinessDays": {
        const channels = forChannels();
        const flag = f.get("onlyBusinessDays")!.value;
        if (misplaced || channels === null || !isScalar(flag) || flag.value !== true) return undefined;
        const rule: A.Draft<A.OnlyBusinessDaysRule> = { ...base, kind: "only-business-days" };
        if (channels) rule.channels = channels;
        return rule;
      }
      default:
        return undefined;
    }
  }

  private neverRule(f: Map<string, Field>, base: A.RuleBase, span: Span | undefined): A.Rule | undefined {
    const forms = [...f.keys()].filter((k) => ["without", "after", "within"].includes(k));
    // `when` and `unless` are the rule's own condition only when no other form is given
    const variants = forms.length > 0 ? forms : [...f.keys()].filter((k) => k === "when" || k === "unless");
    if (variants.length === 0) {
      this.error("a `never` rule needs `without`, `after`, `within` (with `of`), `when` or `unless`", span);
      return undefined;
    }
    if (variants.length > 1) {
      this.error(
        forms.length > 0
          ? `a \`never\` rule takes one of \`without\`, \`after\`, \`within\` or \`when\`, not both \`${variants[0]!}\` and \`${variants[1]!}\``
          : "a `never` rule takes `when` or `unless`, not both (join the two with `and`)",
        this.spanOf(f.get(variants[1]!)!.key),
      );
      return undefined;
    }
    const variant = variants[0]!;
    const channels = this.channelSet(f.get("never")!.value);
    const taggedField = f.get("tagged");
    const tagged = taggedField ? this.stringLit(taggedField.value) : undefined;
    const whereField = f.get("where");
    const ofField = f.get("of");
    if (whereField && (variant === "when" || variant === "unless")) {
      this.error(`\`where\` does not go with \`${variant}\` (put the whole condition in \`${variant}\`)`, this.spanOf(whereField.key));
      return undefined;
    }
    if (ofField && variant !== "within") {
      this.error(`\`of\` goes with \`within\`, not with \`${variant}\``, this.spanOf(ofField.key));
      return undefined;
    }
    const where = whereField ? this.condition(whereField.value) : undefined;
    if (!channels || (taggedField && !tagged) || (whereField && !where)) {
      // Still read the rest, for its diagnostics.
      if (variant === "within") this.duration(f.get("within")!.value);
      if (variant === "when" || variant === "unless") this.condition(f.get(variant)!.value);
      return undefined;
    }
    const head: A.Draft<A.NeverBase> = { ...base, channels };
    if (tagged) head.tagged = tagged;
    const value = f.get(variant)!.value;
    switch (variant) {
      case "without":
      case "after": {
        const signal = this.ident(value);
        if (!signal) return undefined;
        const rule: A.Draft<A.NeverWithoutRule | A.NeverAfterRule> = { ...head, kind: variant === "without" ? "never-without" : "never-after", signal };
        if (where) rule.where = where;
        return rule;
      }
      case "within": {
        const duration = this.duration(value);
        if (!ofField) {
          this.error("a `never ... within` rule needs `of` (the signal)", span);
          return undefined;
        }
        const signal = this.ident(ofField.value);
        if (!duration || !signal) return undefined;
        const rule: A.Draft<A.NeverWithinRule> = { ...head, kind: "never-within", duration, signal };
        if (where) rule.where = where;
        return rule;
      }
      default: {
        const condition = this.condition(value);
        if (!condition) return undefined;
        return { ...head, kind: "never-when", [variant === "unless" ? "unless" : "when"]: condition };
      }
    }
  }
}

const LEAF_PATTERNS = new Set<string>([
  POLICY_SCHEMA.definitions.duration.title,
  POLICY_SCHEMA.definitions.window.title,
  POLICY_SCHEMA.definitions.channelWord.title,
  POLICY_SCHEMA.definitions.transition.properties.after.title,
  POLICY_SCHEMA.definitions.rule.properties.quietHours.title,
]);

/** A key of some rule form (an own property of the schema: `constructor` is none). */
function knownRuleKey(key: string): boolean {
  return Object.hasOwn(POLICY_SCHEMA.definitions.rule.properties, key);
}

/** An `anyOf` that only says which keys make up a form (rules, transitions). */
function isFormChoice(error: ErrorObject): boolean {
  const branches = error.schema as unknown;
  return Array.isArray(branches) && branches.every((b) => typeof b === "object" && b !== null && "required" in b);
}

function spanField(span: Span | undefined): { span?: Span } {
  return span ? { span } : {};
}

/** The fields of a map by key name, in source order. */
function fields(map: YAMLMap): Map<string, Field> {
  const out = new Map<string, Field>();
  for (const pair of map.items) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    if (!out.has(key)) out.set(key, { key: pair.key, value: (pair.value as YamlNode | null) ?? null });
  }
  return out;
}

function findPair(map: YAMLMap, key: string): { key: YamlNode; value: YamlNode | null } | undefined {
  for (const pair of map.items) {
    if (isScalar(pair.key) && String(pair.key.value) === key) return { key: pair.key, value: (pair.value as YamlNode | null) ?? null };
  }
  return undefined;
}

/** The start of the last quoted scalar (or flow collection) that opens before `offset`. */
function openingBefore(doc: Document, offset: number, quoted: boolean): number | undefined {
  let best: number | undefined;
  visit(doc, (_key, node) => {
    const range = (node as YamlNode | null)?.range;
    if (!range || range[0] >= offset) return;
    const wanted = quoted
      ? isScalar(node) && (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE)
      : (isMap(node) || isSeq(node)) && (node as YAMLMap).flow === true;
    if (wanted && (best === undefined || range[0] > best)) best = range[0];
  });
  return best;
}

/** The node a JSON pointer path names, or the closest node on the way. */
function nodeAt(doc: Document, path: readonly string[]): YamlNode | undefined {
  let node: YamlNode | null | undefined = doc.contents;
  for (const segment of path) {
    if (isMap(node)) {
      const found: { key: YamlNode; value: YamlNode | null } | undefined = findPair(node, segment);
      if (found === undefined) return node;
      // A key with no value (`allow:`) is pointed at by its key.
      node = found.value ?? found.key;
    } else if (isSeq(node)) {
      const item: unknown = (node as YAMLSeq).items[Number(segment)];
      if (item === undefined) return node;
      node = item as YamlNode;
    } else return node ?? undefined;
  }
  return node ?? undefined;
}

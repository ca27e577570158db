/**
 * The VS Code extension's TextMate grammar, run with the engine VS Code
 * uses (vscode-textmate on vscode-oniguruma), on every DSL example, checked
 * against Heed's own lexer: every comment, string, duration, time, date,
 * number, keyword and operator the lexer finds is scoped as such, and
 * names are never scoped as keywords.
 */

import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { IToken } from "chevrotain";
import oniguruma from "vscode-oniguruma";
import vsctm from "vscode-textmate";
import { beforeAll, describe, expect, it } from "vitest";
import { keywordTokens, tokenize } from "../../src/lexer/index.js";
import { ROOT } from "../cli/helpers.js";

const GRAMMAR = join(ROOT, "editors/vscode/syntaxes/heed.tmLanguage.json");
const EXAMPLES = join(ROOT, "examples");
const UNITS = new Set(["minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "business"]);
const KEYWORD_TYPES = new Set([...keywordTokens.values()].map((t) => t.name));

let grammar: vsctm.IGrammar;

/** Loads a grammar's JSON text with VS Code's TextMate engine. */
async function load(json: string): Promise<vsctm.IGrammar> {
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName: string) => (scopeName === "source.heed" ? vsctm.parseRawGrammar(json, GRAMMAR) : null),
  });
  const loaded = await registry.loadGrammar("source.heed");
  if (loaded === null) throw new Error("the grammar did not load");
  return loaded;
}

beforeAll(async () => {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  grammar = await load(readFileSync(GRAMMAR, "utf8"));
});

/** The scopes of every character of a text: `scopes[line][column]` (0-based). */
function scopesOf(text: string, grammar = globalGrammar()): string[][][] {
  let stack = vsctm.INITIAL;
  return text.split("\n").map((line) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    const out: string[][] = [];
    for (const token of result.tokens) for (let i = token.startIndex; i < token.endIndex; i++) out[i] = token.scopes;
    return out;
  });
}

/** What the scope of a lexer token must say, from the token and its neighbours. */
function expected(token: IToken, previous: IToken | undefined, beforePrevious: IToken | undefined, next: IToken | undefined): RegExp | "not-a-keyword" | undefined {
  const type = token.tokenType.name;
  const after = previous?.tokenType.name;
  if (type === "Comment") return /^comment\.line\.number-sign\.heed$/;
  if (type === "StringLiteral") return /^string\.quoted\.double\.heed$/;
  if (type === "DateLiteral") return /^constant\.other\.date\.heed$/;
  if (type === "TimeLiteral") return /^constant\.numeric\.time\.heed$/;
  if (type === "NumberLiteral") return next !== undefined && UNITS.has(next.image) ? /^constant\.numeric\.duration\.heed$/ : /^constant\.numeric\.heed$/;
  if (["Equal", "NotEqual", "LessEqual", "GreaterEqual", "Less", "Greater"].includes(type)) return /^keyword\.operator\.comparison\.heed$/;
  if (after === "Dot") return /^variable\.other\.property\.heed$/;
  if (after === "Rule") return /^entity\.name\.function\.rule\.heed$/;
  if (type === "Identifier") {
    if (after === "Across") return /^variable\.language\.heed$/;
    if (after === "Stage" || (after === "To" && beforePrevious?.tokenType.name === "Move")) return /^entity\.name\.type\.stage\.heed$/;
    if (after === "On" || after === "Without" || after === "Of" || after === "After") return /^support\.type\.signal\.heed$/;
    if (token.image === "contact") return /^variable\.language\.heed$/;
    if (after === "Cadence") return /^entity\.name\.namespace\.heed$/;
    return "not-a-keyword";
  }
  if (KEYWORD_TYPES.has(type)) {
    if (UNITS.has(token.image) && previous?.tokenType.name === "NumberLiteral") return /^keyword\.other\.unit\.heed$/;
    return /^(keyword|storage|constant\.language|variable\.language)\./;
  }
  return undefined;
}

function globalGrammar(): vsctm.IGrammar {
  return grammar;
}

function checkFile(text: string, with_ = grammar): string[] {
  const scopes = scopesOf(text, with_);
  const { tokens, comments } = tokenize(text);
  const problems: string[] = [];
  const check = (token: IToken, want: ReturnType<typeof expected>): void => {
    if (want === undefined) return;
    const line = (token.startLine ?? 1) - 1;
    const column = (token.startColumn ?? 1) - 1;
    const have = scopes[line]?.[column] ?? [];
    const inner = have.filter((s) => s !== "source.heed");
    const ok = want === "not-a-keyword" ? !inner.some((s) => /^(keyword|storage)\./.test(s)) : inner.some((s) => want.test(s));
    if (!ok) problems.push(`${line + 1}:${column + 1} \`${token.image}\` (${token.tokenType.name}): ${inner.join(" ") || "no scope"}, wanted ${String(want)}`);
  };
  tokens.forEach((token, i) => check(token, expected(token, tokens[i - 1], tokens[i - 2], tokens[i + 1])));
  for (const comment of comments) check(comment, expected(comment, undefined, undefined, undefined));
  return problems;
}

describe("the TextMate grammar (editors/vscode)", () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith(".heed"));

  it("has DSL examples to run on", () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  for (const file of files) {
    it(`scopes every token of examples/${file} as Heed's lexer reads it`, () => {
      expect(checkFile(readFileSync(join(EXAMPLES, file), "utf8"))).toEqual([]);
    });
  }

  it("scopes every token of the whole policies in docs/language.md and the benchmark's", () => {
    const reference = readFileSync(join(ROOT, "docs/language.md"), "utf8");
    const policies = [...reference.matchAll(/```\n([\s\S]*?)```/g)].map((m) => m[1] ?? "").filter((b) => /^(#.*\n)*cadence /.test(b));
    expect(policies.length).toBeGreaterThan(0);
    for (const text of [...policies, readFileSync(join(ROOT, "bench/inbound.heed"), "utf8")]) expect(checkFile(text)).toEqual([]);
  });

  it("tells names that contain keywords from keywords, and keywords used as names", () => {
    const text = [
      "cadence unquoted-name {",
      "  timezone from contact.timezone else \"Europe/Berlin\" # the zone",
      "  channels email, on-call, touchless",
      "  holidays 2026-12-24, 2026-12-25",
      "  start stage stages {",
      "    allow email, on-call",
      "    rule quiet: quiet hours 21:00 - 08:00 for on-call",
      "    rule on: never touchless after unsubscribe where channel == \"touchless\"",
      "    at most 2 on-calls per day",
      "    on reply where sentiment != \"negative\" and not exists touch.campaign move to final-stage",
      "    when time_in_stage > 30 business days or total_touches >= 12 move to final-stage",
      "  }",
      "  final stage final-stage",
      "  only business day for on-call",
      "  never any tagged \"stage\" within 1.5 hours of content_download",
      "}",
      "",
    ].join("\n");
    expect(checkFile(text)).toEqual([]);
  });

  it("scopes `across account` of an account cap: `across` a keyword, `account` the contact's account", () => {
    const text = [
      "cadence accounts {",
      "  channels email, call",
      "  at most 3 touches per week across account",
      "  at most 1 call per 2 days across account when contact.account != \"acme\"",
      "  at most 2 emails per day by account",
      "}",
      "",
    ].join("\n");
    expect(checkFile(text)).toEqual([]);
    const scopes = scopesOf(text);
    expect(scopes[2]?.[29]).toEqual(["source.heed", "keyword.control.heed"]);
    expect(scopes[2]?.[36]).toEqual(["source.heed", "variable.language.heed"]);
    expect(scopes[3]?.[28]).toEqual(["source.heed", "keyword.control.heed"]);
    expect(scopes[3]?.[35]).toEqual(["source.heed", "variable.language.heed"]);
    // `account` elsewhere is a name: a property, or what `by` groups by.
    expect(scopes[3]?.[56]).toEqual(["source.heed", "variable.other.property.heed"]);
    expect(scopes[4]?.[30]).toEqual(["source.heed"]);
  });

  it("scopes keywords, strings, comments, durations, times and names in the spec's policy", () => {
    const text = readFileSync(join(EXAMPLES, "inbound.heed"), "utf8");
    const scopes = scopesOf(text);
    const at = (needle: string, shift = 0): string[] => {
      const index = text.indexOf(needle) + shift;
      const before = text.slice(0, index).split("\n");
      return scopes[before.length - 1]?.[(before.at(-1) ?? "").length] ?? [];
    };
    expect(at("# policies")).toContain("comment.line.number-sign.heed");
    expect(at('"America/New_York"', 3)).toContain("string.quoted.double.heed");
    expect(at("14 days")).toEqual(["source.heed", "constant.numeric.duration.heed", "constant.numeric.heed"]);
    expect(at("14 days", 3)).toEqual(["source.heed", "constant.numeric.duration.heed", "keyword.other.unit.heed"]);
    expect(at("2 business days", 5)).toContain("keyword.other.unit.heed");
    expect(at("21:00")).toContain("constant.numeric.time.heed");
    expect(at("never calendar-invite")).toContain("keyword.control.heed");
    expect(at("start stage")).toContain("storage.modifier.heed");
    expect(at("stage nurture", 6)).toContain("entity.name.type.stage.heed");
    expect(at("move to nurture", 8)).toContain("entity.name.type.stage.heed");
    expect(at("rule no-cold-invites", 5)).toContain("entity.name.function.rule.heed");
    expect(at("on unsubscribe", 3)).toContain("support.type.signal.heed");
    expect(at("== \"negative\"")).toContain("keyword.operator.comparison.heed");
    expect(at("contact.role", 8)).toContain("variable.other.property.heed");
    // A name that contains a keyword is a name: `calendar-invite`, `email-only`.
    expect(at("email-only {", 6)).toEqual(["source.heed", "entity.name.type.stage.heed"]);
    expect(at("allow email, call, linkedin, calendar-invite", "allow email, call, linkedin, calendar-".length)).toEqual(["source.heed"]);
  });

  it("reports the tokens a grammar scopes wrongly (the check can fail)", async () => {
    const text = readFileSync(join(EXAMPLES, "inbound.heed"), "utf8");
    const json = JSON.parse(readFileSync(GRAMMAR, "utf8")) as { repository: Record<string, unknown> };
    delete json.repository["duration"];
    const problems = checkFile(text, await load(JSON.stringify(json)));
    // Every duration of the file is caught, and nothing else.
    expect(problems).toHaveLength(6);
    expect(problems).toContain("34:25 `14` (NumberLiteral): constant.numeric.heed, wanted /^constant\\.numeric\\.duration\\.heed$/");
  });
});

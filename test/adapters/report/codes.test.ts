/**
 * The catalogue of diagnostic codes: every code the sources report has help,
 * and each example fix of a policy code really is one (the line before gets
 * the code, the line after does not).
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

import { CODES, codeAnchor, codeHelp } from "../../../src/adapters/report/codes.js";
import { LANGUAGE_MD, withCodesSection } from "../../../scripts/diagnostic-codes.js";
import { analyzePolicy, analyzeSilentContact } from "../../../src/analysis/index.js";
import { parsePolicy } from "../../../src/parser/index.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/**
 * The codes the sources put on diagnostics: `code: "x"`, a default `code = "x"`,
 * and the code argument of the reporting helpers (`error(ctx, "x", ...)`,
 * `error("x", ...)`, `warning("x", ...)`, `report("warning", "x", ...)`,
 * the checks' `ctx.report("x", ...)`, `fail(node, "x", ...)`, and YAML's
 * `this.error(message, span, "x")`).
 */
function reportedCodes(): Map<string, string> {
  const found = new Map<string, string>();
  const patterns = [
    /\bcode(?::|\s*=)\s*"([a-z]+(?:-[a-z]+)*)"/g,
    /\b(?:error|warning|fail)\(\s*(?:ctx,\s*|[a-zA-Z.]+,\s*)?"([a-z]+(?:-[a-z]+)*)",/g,
    /\breport\(\s*"(?:error|warning)",\s*"([a-z]+(?:-[a-z]+)*)"/g,
    /\bctx\.report\(\s*"([a-z]+(?:-[a-z]+)*)",/g,
    /\bthis\.error\([^;]*?,\s*"([a-z]+(?:-[a-z]+)*)"\)/g,
  ];
  const dirs = ["lexer", "parser", "checks", "analysis", "adapters/files.ts", "adapters/policy-tests.ts", "adapters/cli", "adapters/http/policies.ts"];
  for (const dir of dirs) {
    const path = join(ROOT, "src", dir);
    for (const file of statSync(path).isDirectory() ? sourceFiles(path) : [path]) {
      const text = readFileSync(file, "utf8");
      for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.set(match[1]!, relative(ROOT, file));
    }
  }
  return found;
}

const TEMPLATES: ((line: string) => string)[] = [
  (l) => `cadence "t" {\n  timezone from contact.timezone else "UTC"\n  channels email, call, sms, calendar-invite\n  start stage prospecting { allow email, call  after 2 ignored touches move to nurture  on reply move to engaged }\n  stage nurture { allow email  after 30 days move to closed }\n  stage engaged { allow email  after 30 days move to closed }\n  final stage closed\n  ${l}\n  at most 3 touches per 7 days\n}\n`,
  (l) => `cadence "t" {\n  timezone from contact.timezone else "UTC"\n  channels email, call\n  ${l}\n  stage nurture { allow email  after 30 days move to closed }\n  final stage closed\n  at most 3 touches per 7 days\n}\n`,
  (l) => `${l}\n  timezone from contact.timezone else "UTC"\n  channels email\n  at most 3 touches per 7 days\n}\n`,
  (l) => `cadence "t" {\n  ${l}\n}\n`,
  (l) => `${l}\n`,
  (l) => `cadence "t" {\n  channels email, calendar-invite\n  ${l}\n  stage engaged { allow email  after 30 days move to closed }\n  final stage closed\n}\n`,
  (l) => `cadence "t" {\n  channels email\n  start stage prospecting { allow email  after 2 ignored touches move to nurture }\n  ${l}\n  final stage closed\n}\n`,
  (l) => `cadence "t" {\n  channels email, call\n  start stage prospecting { allow email  on reply move to engaged }\n  ${l}\n}\n`,
];

function codesOf(text: string): string[] {
  const { policy, diagnostics } = parsePolicy(text, { format: "dsl" });
  const codes = diagnostics.map((d) => d.code);
  if (policy !== undefined && !diagnostics.some((d) => d.severity === "error")) {
    codes.push(...analyzePolicy(policy, {}).map((d) => d.code));
    codes.push(...analyzeSilentContact(policy, { horizonDays: 365, maxSilentTouches: 8 }).diagnostics.map((d) => d.code));
  }
  return codes;
}

describe("diagnostic codes", () => {
  it("gives help for every code the sources report (and the catalogue lists each code once)", () => {
    const reported = reportedCodes();
    expect(reported.size).toBeGreaterThan(40);
    const missing = [...reported].filter(([code]) => codeHelp(code) === undefined).map(([code, file]) => `${code} (${file})`);
    expect(missing).toEqual([]);
    expect(new Set(CODES.map((c) => c.code)).size).toBe(CODES.length);
  });

  it("every help has a meaning and a fix; every entry but those Heed cannot show has an example", () => {
    for (const c of CODES) {
      expect(c.summary, c.code).toMatch(/^[a-z`]/);
      expect(c.meaning.length, c.code).toBeGreaterThan(20);
      expect(c.fix.length, c.code).toBeGreaterThan(10);
    }
    expect(CODES.filter((c) => c.example === undefined).map((c) => c.code)).toEqual(["too-large", "internal", "too-many-holidays", "analysis-incomplete", "read-error", "symlink-outside", "file-too-large", "format-mismatch"]);
  });

  it("docs/language.md holds the table of every code as the catalogue writes it (`npm run docs:codes`)", () => {
    const text = readFileSync(LANGUAGE_MD, "utf8");
    expect(withCodesSection(text) === text, "the table is out of date: run `npm run docs:codes`").toBe(true);
    for (const c of CODES) expect(text).toContain(`<a id="${codeAnchor(c.code)}"></a>\`${c.code}\``);
  });

  const checkable = CODES.filter((c) => ["text", "meaning", "analysis"].includes(c.group) && c.example !== undefined && c.example.language !== "yaml" && c.example.abridged === undefined);
  it.each(checkable.map((c) => [c.code, c] as const))("the example of `%s` gets the code before the fix and not after", (code, c) => {
    const tried = TEMPLATES.map((wrap) => ({ before: codesOf(wrap(c.example!.before)), after: codesOf(wrap(c.example!.after)) }));
    const shown = tried.find((t) => t.before.includes(code) && !t.after.includes(code) && !t.after.includes("syntax"));
    expect(shown, JSON.stringify(tried)).toBeDefined();
  });
});

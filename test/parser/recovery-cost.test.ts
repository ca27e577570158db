/**
 * Syntax errors by the thousand. Found by the hostile fuzzer (seed
 * 20261203, input 8454): the bundled inbound policy with one bad line
 * repeated 1,795 times (111 kB) took 1.5 s of CPU to parse, and was then
 * reported as "nested too deeply to read" at line 1 (the parser's
 * recoveries nest, and each read ahead to the policy's closing `}`: time
 * quadratic in the errors, stack in proportion to them). The parse now
 * stops at a bounded number of errors and of tokens read by recoveries,
 * and reports the first hundred where they are.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import type { Diagnostic } from "../../src/diagnostics.js";
import { FILE_START, tokenize } from "../../src/lexer/index.js";
import { syntaxDiagnostics } from "../../src/parser/errors.js";
import { grammar } from "../../src/parser/grammar.js";
import { parsePolicy } from "../../src/parser/index.js";

const inbound = readFileSync(join(import.meta.dirname, "..", "..", "examples", "inbound.heed"), "utf8");
const BAD = "  engagement reply, meeting_booked, call_conre window 3 days";

function withBadLines(n: number): string {
  return inbound.replace("  holidays", `${Array.from({ length: n }, () => BAD).join("\n")}\n  holidays`);
}

describe("a policy with thousands of syntax errors", () => {
  it("reports the first hundred at their lines, and says more follow", () => {
    const text = withBadLines(3_000);
    const first = text.split("\n").indexOf(BAD) + 1;
    const { policy, diagnostics } = parsePolicy(text, { file: "bad.heed" });
    expect(policy).toBeUndefined();
    expect(diagnostics.map((d) => d.code)).not.toContain("too-deep");
    expect(diagnostics).toHaveLength(101);
    expect(diagnostics[0]).toMatchObject({ code: "syntax", message: expect.stringMatching(/^unexpected `window` after `engagement reply, meeting_booked, call_conre window 3/), span: { line: first, column: BAD.indexOf("window") + 1 } });
    const note = diagnostics.filter((d) => d.message === "more syntax errors follow; fix these 100 first");
    expect(note).toMatchObject([{ code: "syntax", span: { line: first + 99 } }]);
    const errors = diagnostics.filter((d) => d !== note[0]);
    expect(errors.map((d) => d.span!.line)).toEqual(Array.from({ length: 100 }, (_, i) => first + i));
    expect(new Set(errors.map((d) => d.message)).size).toBe(1);
  }, 30_000);

  it("a few errors in a long policy are all reported, as before", () => {
    const lines = inbound.split("\n");
    const at = lines.findIndex((l) => l.includes("at most 3 touches per 7 days"));
    // 2,000 good rules, then three bad lines far apart
    const good = Array.from({ length: 2_000 }, (_, i) => `  rule r${i}: at most 3 touches per 7 days`);
    const text = [...lines.slice(0, at), BAD, ...good, BAD, ...good, BAD, ...lines.slice(at)].join("\n");
    const { diagnostics } = parsePolicy(text, { file: "long.heed" });
    expect(diagnostics.filter((d) => d.code === "syntax").map((d) => d.span!.line)).toEqual([at + 1, at + 2_002, at + 4_003]);
  }, 30_000);
});

/**
 * Found by the fuzz run (seed 20261203, input 400,636): a 331 kB line of
 * `on reply where ... move to closed` clauses, then a bad word. Telling
 * whether the error is a misplaced `when` or `unless` after a signal
 * clause read the rest of the line again from every `on reply` on it
 * (0.9 s warm, 1.6 s cold, quadratic in the clauses).
 */
describe("a syntax error after thousands of signal clauses on one line", () => {
  const clause = `on reply where sentiment == "negative" move to closed`;

  function syntaxOf(text: string): { diagnostics: Diagnostic[]; reads: number; tokens: number } {
    const { tokens } = tokenize(text, { ...FILE_START });
    grammar.input = tokens;
    grammar.policy();
    const errors = grammar.errors;
    grammar.input = [];
    let reads = 0;
    const counted = new Proxy(tokens, {
      get(target, key, receiver) {
        if (typeof key === "string" && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    return { diagnostics: syntaxDiagnostics(errors, counted, undefined), reads, tokens: tokens.length };
  }

  it("reads the line's tokens a bounded number of times, and still names the misplaced connective", () => {
    const long = syntaxOf(`cadence "p" {\n  channels email\n  stage a {\n    ${Array.from({ length: 2_000 }, () => clause).join(" ")} 0 ${clause}\n  }\n}\n`);
    expect(long.diagnostics.length).toBeGreaterThan(0);
    expect(long.diagnostics[0]!.span!.line).toBe(4);
    // every clause read the rest of the line: 2,000 * 24,000 / 2 reads before
    expect(long.reads).toBeLessThan(20 * long.tokens);

    const when = syntaxOf(`cadence "p" {\n  channels email\n  stage a {\n    on reply when sentiment == "negative" move to closed\n  }\n}\n`);
    expect(when.diagnostics[0]!.message).toMatch(/`when`/);
    expect(when.diagnostics[0]!.span).toMatchObject({ line: 4, column: 14 });
  });
});

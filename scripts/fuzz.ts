/**
 * Long fuzzing runs of the DSL front end, far beyond the test suite:
 *
 *   npx tsx scripts/fuzz.ts [--runs N] [--seed S]
 *
 * Checks that printing and parsing an arbitrary policy gives it back, that
 * the formatter is idempotent, and that mutated policies and arbitrary text
 * never make the parser throw, hang or return a policy beside an error.
 * A failure prints its seed and counterexample; it then belongs in
 * `test/parser/regressions.test.ts`.
 */

import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { stripSpans, type Policy } from "../src/ast.js";
import { hasErrors } from "../src/diagnostics.js";
import { parseDsl } from "../src/parser/dsl.js";
import { formatPolicy } from "../src/parser/format.js";
import * as leaf from "../src/parser/leaf.js";
import { arbMutations, arbPolicy, arbSoup, mutate } from "../test/parser/arbitraries.js";
import { isDeepStrictEqual } from "node:util";

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const runs = Number(option("runs") ?? 5000);
const seed = option("seed") === undefined ? Date.now() % 2 ** 31 : Number(option("seed"));
const inbound = readFileSync(join(import.meta.dirname, "..", "examples", "inbound.heed"), "utf8");
const SLOW_MS = 2000;
const LEAVES = [
  leaf.parseDurationText,
  leaf.parseWindowText,
  leaf.parseConditionText,
  leaf.parseTimeOfDayText,
  leaf.parseQuietHoursText,
  leaf.parseAfterText,
  leaf.parseChannelSetText,
];

function sound(text: string): boolean {
  const started = performance.now();
  const { policy, diagnostics } = parseDsl(text, { file: "fuzz.heed" });
  const elapsed = performance.now() - started;
  if (elapsed > SLOW_MS) throw new Error(`parse took ${Math.round(elapsed)} ms`);
  if (policy === undefined) return hasErrors(diagnostics);
  if (hasErrors(diagnostics)) return false;
  const again = parseDsl(formatPolicy(policy)).policy;
  return isDeepStrictEqual(stripSpans(again), stripSpans(policy));
}

const properties: [string, fc.IProperty<never> | fc.IProperty<[unknown]> | fc.IProperty<unknown[]>][] = [
  [
    "print then parse gives the AST back",
    fc.property(arbPolicy, (policy) => {
      const parsed = parseDsl(formatPolicy(policy));
      return parsed.diagnostics.length === 0 && isDeepStrictEqual(stripSpans(parsed.policy), stripSpans(policy));
    }),
  ],
  [
    "format is idempotent",
    fc.property(arbPolicy, (policy) => {
      const once = formatPolicy(policy);
      const again = parseDsl(once).policy;
      return again !== undefined && formatPolicy(again) === once;
    }),
  ],
  ["mutated inbound policy is parsed soundly", fc.property(arbMutations, (m) => sound(mutate(inbound, m)))],
  [
    "mutated arbitrary policy is parsed soundly",
    fc.property(arbPolicy, arbMutations, (p, m) => sound(mutate(formatPolicy(p), m))),
  ],
  ["arbitrary text is parsed soundly", fc.property(fc.string({ maxLength: 400 }), sound)],
  ["token soup is parsed soundly", fc.property(arbSoup, (s) => sound(`cadence "p" {\n${s}\n}`))],
  [
    "leaf sub-grammars give a value or an error, never both, never a throw",
    fc.property(fc.oneof(arbSoup, fc.string({ maxLength: 60 })), (text) =>
      LEAVES.every((parse) => {
        const { value, diagnostics } = parse(text, { line: 3, column: 7, offset: 40 });
        return (value === undefined) === hasErrors(diagnostics);
      }),
    ),
  ],
];

let failed = false;
console.log(`fuzzing with --runs ${runs} --seed ${seed}`);
for (const [name, property] of properties) {
  const started = performance.now();
  const result = fc.check(property as fc.IProperty<unknown[]>, { numRuns: runs, seed });
  const ms = Math.round(performance.now() - started);
  if (result.failed) {
    failed = true;
    console.log(`FAIL ${name} (seed ${seed}, path ${result.counterexamplePath})`);
    const example = result.counterexample;
    const shown = example?.map((value) => (typeof value === "object" && value !== null && "stages" in value ? formatPolicy(value as Policy) : value));
    console.log(JSON.stringify(shown, null, 2));
    if (result.errorInstance) console.log(String(result.errorInstance));
  } else {
    console.log(`ok   ${name} (${result.numRuns} runs, ${ms} ms)`);
  }
}
process.exitCode = failed ? 1 : 0;

/**
 * Run times of `heed diff` and of `heed check`'s analyses (the static
 * checks, the silent contact, the pursuit bounds) on the bundled examples
 * and on the synthetic policy of 200 stages (`bench/synth.ts`), in CPU
 * milliseconds (`process.cpuUsage`, so that a machine shared with other
 * work counts only this process). Run with `npx tsx bench/guarantees.ts`.
 *
 * The diff is measured against the same policy with its rules reversed:
 * a pair that decides alike everywhere, so the whole space is explored
 * (a pair that differs may stop no sooner, but names its changes).
 */

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import type { Policy } from "../src/ast.js";
import { analyzePolicy, analyzeSilentContact, diffPolicies } from "../src/analysis/index.js";
import { pursuitBounds } from "../src/analysis/bounds.js";
import { parsePolicy } from "../src/parser/index.js";
import { synthPolicy } from "./synth.js";

function cpuMs<T>(f: () => T): { ms: number; value: T } {
  const before = process.cpuUsage();
  const value = f();
  const used = process.cpuUsage(before);
  return { ms: (used.user + used.system) / 1000, value };
}

function reversed(p: Policy): Policy {
  return { ...p, rules: [...p.rules].reverse(), stages: p.stages.map((s) => ({ ...s, rules: [...s.rules].reverse(), transitions: s.transitions })) };
}

const examples = join(import.meta.dirname, "..", "examples");
const cases: [string, Policy][] = readdirSync(examples)
  .filter((f) => f.endsWith(".heed"))
  .sort()
  .map((f) => [f, parsePolicy(readFileSync(join(examples, f), "utf8"), { file: f }).policy!]);
cases.push(["synthetic-200", parsePolicy(synthPolicy(200), { file: "synthetic-200.heed" }).policy!]);
const depth2 = process.argv.includes("--depth2");

console.log("| policy | diff (histories) | diff --depth 2 | static checks | silent contact | pursuit bounds (contacts driven) |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const [name, policy] of cases) {
  diffPolicies(policy, reversed(policy), { depth: 0 }); // warm up
  const diff = cpuMs(() => diffPolicies(policy, reversed(policy)));
  const deep = depth2 ? cpuMs(() => diffPolicies(policy, reversed(policy), { depth: 2 })) : undefined;
  const lint = cpuMs(() => analyzePolicy(policy));
  const silent = cpuMs(() => analyzeSilentContact(policy));
  const bounds = cpuMs(() => pursuitBounds(policy));
  const d = diff.value;
  console.log(
    `| ${name} | ${Math.round(diff.ms)} (${d.explored.histories}${d.explored.complete ? "" : ", stopped"}) | ${deep === undefined ? "-" : `${Math.round(deep.ms)} (${deep.value.explored.histories}${deep.value.explored.complete ? "" : ", stopped"})`} | ${lint.ms.toFixed(1)} | ${Math.round(silent.ms)} | ${Math.round(bounds.ms)} (${bounds.value.explored.runs}${bounds.value.explored.complete ? "" : ", stopped"}) |`,
  );
}

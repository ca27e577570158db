/**
 * Run times of `heed diff` and of `heed check`'s analyses (the static
 * checks, the silent contact, the pursuit bounds) on the bundled examples
 * and on the synthetic policy of 200 stages (`bench/synth.ts`), in CPU
 * milliseconds (`process.cpuUsage`, so that a machine shared with other
 * work counts only this process). Run with `npx tsx bench/guarantees.ts`.
 *
 * The diff explores its whole space whether or not the two versions
 * differ; it is measured against the policy with one number changed (the
 * first numeric edit of `test/analysis/mutations.ts`, else the first edit), and the 200-stage
 * policy against itself with the policy-wide limit lowered. Two more rows
 * measure the calendar's and the account's own edits: the Florida example
 * with its fallback region changed, and a small policy with limits across
 * an account with its weekly cap raised.
 */

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import type { Policy } from "../src/ast.js";
import { analyzePolicy, analyzeSilentContact, diffPolicies } from "../src/analysis/index.js";
import { pursuitBounds } from "../src/analysis/bounds.js";
import { parsePolicy } from "../src/parser/index.js";
import { mutants } from "../test/analysis/mutations.js";
import { synthPolicy } from "./synth.js";

function cpuMs<T>(f: () => T): { ms: number; value: T } {
  const before = process.cpuUsage();
  const value = f();
  const used = process.cpuUsage(before);
  return { ms: (used.user + used.system) / 1000, value };
}


const examples = join(import.meta.dirname, "..", "examples");
const cases: [string, Policy, Policy][] = readdirSync(examples)
  .filter((f) => f.endsWith(".heed"))
  .sort()
  .map((f) => {
    const policy = parsePolicy(readFileSync(join(examples, f), "utf8"), { file: f }).policy!;
    const edits = mutants(policy);
    return [f, policy, (edits.find((m) => m.kind === "number") ?? edits[0]!).policy];
  });
// the calendar's and the account's own edits: Florida's fallback region, and a weekly cap across an account
const florida = cases.find(([f]) => f === "florida-telemarketing.heed");
if (florida !== undefined) {
  const edit = mutants(florida[1]).find((m) => m.label.startsWith("holidaysFrom.fallback:"));
  if (edit !== undefined) cases.push([`florida-telemarketing.heed (${edit.label})`, florida[1], edit.policy]);
}
const team = (cap: number): string =>
  `cadence "account-caps" {\n  timezone from contact.timezone else "America/New_York"\n  channels email, call, sms\n  at most 1 touches per week\n  at most ${cap} email, call per week across account\n  at most 3 touches per 14 days across account\n}\n`;
cases.push(["account-caps (weekly cap 2 -> 3)", parsePolicy(team(2), { file: "a.heed" }).policy!, parsePolicy(team(3), { file: "b.heed" }).policy!]);
cases.push(["synthetic-200", parsePolicy(synthPolicy(200), { file: "a.heed" }).policy!, parsePolicy(synthPolicy(200, { variant: true }), { file: "b.heed" }).policy!]);
const depth2 = process.argv.includes("--depth2");

console.log("| policy | diff (histories) | diff --depth 2 (histories) | static checks | silent contact | pursuit bounds (contacts driven) |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const [name, policy, other] of cases) {
  diffPolicies(policy, other, { depth: 0 }); // warm up
  const diff = cpuMs(() => diffPolicies(policy, other));
  const deep = depth2 ? cpuMs(() => diffPolicies(policy, other, { depth: 2 })) : undefined;
  const lint = cpuMs(() => analyzePolicy(policy));
  const silent = cpuMs(() => analyzeSilentContact(policy));
  const bounds = cpuMs(() => pursuitBounds(policy));
  const d = diff.value;
  console.log(
    `| ${name} | ${Math.round(diff.ms)} (${d.explored.histories}${d.explored.complete ? "" : ", stopped"}) | ${deep === undefined ? "-" : `${Math.round(deep.ms)} (${deep.value.explored.histories}${deep.value.explored.complete ? "" : ", stopped"})`} | ${lint.ms.toFixed(1)} | ${Math.round(silent.ms)} | ${Math.round(bounds.ms)} (${bounds.value.explored.runs}${bounds.value.explored.complete ? "" : ", stopped"}) |`,
  );
}

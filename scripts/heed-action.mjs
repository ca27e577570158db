// @ts-check
/**
 * The work of the Heed GitHub Action (`action.yml`): check, test and diff
 * the cadence policies of a pull request, leave SARIF files for code
 * scanning, print workflow annotations, and write a Markdown job summary.
 *
 *   node scripts/heed-action.mjs
 *
 * Plain JavaScript on Node's own modules, so the action runs it without an
 * install step. It reads its inputs from the environment:
 *
 * - `HEED_PATHS`: policy files or folders, separated by spaces (default `.`);
 * - `HEED_BASE_REF`: the branch a pull request merges into (`main`); the
 *   policies changed since it are diffed against their version there;
 * - `HEED_SARIF_DIR`: where to write `check.sarif`, `test.sarif`, `diff.sarif`;
 * - `HEED_JUNIT`: a file to write the tests' JUnit XML to (optional);
 * - `HEED_STRICT`: `true` to fail on warnings too;
 * - `HEED_COMMAND`: how to run heed (default: the workspace's
 *   `node_modules/.bin/heed`, else this checkout's build, else `npx heed@VERSION`);
 * - and GitHub's `GITHUB_WORKSPACE`, `GITHUB_STEP_SUMMARY`, `GITHUB_OUTPUT`.
 *
 * Exit code 1 when a policy has errors (or warnings with `HEED_STRICT`) or a
 * policy test fails; behavioural changes are reported, never failed on.
 */

import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ACTION_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** @typedef {{ code: number, stdout: string, stderr: string }} Run */

/**
 * The command that runs heed, as an argv prefix.
 * @param {NodeJS.ProcessEnv} env
 * @param {string} workspace
 * @returns {string[]}
 */
export function heedCommand(env, workspace) {
  const given = env["HEED_COMMAND"]?.trim();
  if (given) return given.split(/\s+/);
  const local = join(workspace, "node_modules", ".bin", "heed");
  if (existsSync(local)) return [local];
  if (existsSync(join(ACTION_ROOT, "dist", "adapters", "cli", "main.js"))) return [process.execPath, join(ACTION_ROOT, "bin", "heed.js")];
  const version = JSON.parse(readFileSync(join(ACTION_ROOT, "package.json"), "utf8")).version;
  return ["npx", "--yes", `heed@${version}`];
}

/**
 * @param {string[]} command
 * @param {string[]} args
 * @param {string} cwd
 * @returns {Run}
 */
function run(command, args, cwd) {
  const [file, ...prefix] = command;
  const result = spawnSync(/** @type {string} */ (file), [...prefix, ...args], { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1" } });
  if (result.error) throw result.error;
  return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * @param {string[]} args
 * @param {string} cwd
 */
function git(args, cwd) {
  return run(["git"], args, cwd);
}

/** @param {string} file */
export function isPolicyFile(file) {
  return /\.heed$|\.heed\.ya?ml$/.test(file) && !/\.test\.ya?ml$/.test(file);
}

/**
 * The commit the pull request's changes are measured from: the merge base
 * of HEAD and the base branch (fetched when the checkout lacks it).
 * @param {string} baseRef
 * @param {string} cwd
 * @returns {{ commit: string, note?: string } | undefined}
 */
export function baseCommit(baseRef, cwd) {
  const candidates = [`origin/${baseRef}`, baseRef];
  let tip = candidates.find((ref) => git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], cwd).code === 0);
  if (tip === undefined && git(["fetch", "--no-tags", "--quiet", "origin", `+refs/heads/${baseRef}:refs/remotes/origin/${baseRef}`], cwd).code === 0) {
    tip = `origin/${baseRef}`;
  }
  if (tip === undefined) return undefined;
  const mergeBase = git(["merge-base", tip, "HEAD"], cwd);
  if (mergeBase.code === 0) return { commit: mergeBase.stdout.trim() };
  // a shallow checkout: compare with the base branch's tip
  return { commit: git(["rev-parse", tip], cwd).stdout.trim(), note: "no merge base in this (shallow) checkout: compared with the tip of the base branch; check out with `fetch-depth: 0` for exact changes" };
}

/**
 * The policy files changed between `base` and HEAD under `paths`, with
 * their path in the base (undefined for a new file).
 * @param {string} base
 * @param {string[]} paths
 * @param {string} cwd
 * @returns {{ file: string, before: string | undefined }[]}
 */
export function changedPolicies(base, paths, cwd) {
  const diff = git(["diff", "--name-status", "-M", "--diff-filter=AMR", base, "HEAD", "--", ...paths], cwd);
  if (diff.code !== 0) throw new Error(`git diff failed: ${diff.stderr.trim()}`);
  const changed = [];
  for (const line of diff.stdout.split("\n")) {
    const [status = "", first = "", second] = line.split("\t");
    if (status === "") continue;
    const file = status.startsWith("R") ? (second ?? first) : first;
    if (!isPolicyFile(file)) continue;
    changed.push({ file, before: status.startsWith("A") ? undefined : first });
  }
  return changed;
}

/**
 * One SARIF log of several (each `heed diff` writes its own): the runs'
 * rules merged by id, the results concatenated, so code scanning gets one
 * run per category.
 * @param {any[]} logs
 * @returns {any}
 */
export function mergeSarif(logs) {
  const [first, ...rest] = logs;
  if (first === undefined) return undefined;
  const run = first.runs[0];
  for (const log of rest) {
    for (const other of log.runs) {
      for (const result of other.results) {
        const rule = other.tool.driver.rules[result.ruleIndex];
        let index = run.tool.driver.rules.findIndex((/** @type {{ id: string }} */ r) => r.id === rule.id);
        if (index < 0) index = run.tool.driver.rules.push(rule) - 1;
        run.results.push({ ...result, ruleIndex: index });
      }
    }
  }
  return first;
}

/**
 * A changed policy that decides some touch differently from its base version (not a new one, nor one with errors).
 * @param {{ before: string | undefined, same: boolean, error?: string }} d
 */
function decidesDifferently(d) {
  return d.before !== undefined && !d.same && d.error === undefined;
}

/** @param {string} text */
function cell(text) {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** `1 error`, `2 errors`, `2 policies`. @param {number} n @param {string} word @param {string} [many] */
function plural(n, word, many = `${word}s`) {
  return `${n} ${n === 1 ? word : many}`;
}

/**
 * @typedef {{ file: string | null, severity: string, code: string, message: string, span?: { line: number, column: number } }} JsonDiagnostic
 * @typedef {{ file: string, summary: string }} SilentContact
 * @typedef {{ name: string, line: number, passed: boolean, failures: string[] }} JsonCase
 * @typedef {{
 *   check: { diagnostics: JsonDiagnostic[], silentContacts: SilentContact[], policies: number },
 *   test: { summary: { cases: number, passed: number, failed: number, errors: number }, diagnostics: JsonDiagnostic[], files: { file: string, cases: JsonCase[] }[] } | undefined,
 *   diffs: { file: string, before: string | undefined, changes: { message: string, at: string }[], same: boolean, error?: string }[],
 *   base: string | undefined,
 *   baseNote: string | undefined,
 *   strict: boolean,
 * }} Outcome
 */

/**
 * The job summary, in Markdown.
 * @param {Outcome} o
 * @returns {string}
 */
export function summaryMarkdown(o) {
  const errors = o.check.diagnostics.filter((d) => d.severity === "error");
  const warnings = o.check.diagnostics.filter((d) => d.severity !== "error");
  const lines = ["## Heed: cadence policies", ""];
  const verdict = errors.length > 0 || (o.strict && warnings.length > 0) || (o.test !== undefined && (o.test.summary.failed > 0 || o.test.summary.errors > 0)) ? "❌" : "✅";
  lines.push(`${verdict} ${plural(o.check.policies, "policy", "policies")} checked: ${plural(errors.length, "error")}, ${plural(warnings.length, "warning")}`);
  if (o.test !== undefined) {
    const t = o.test.summary;
    lines.push("", `${t.failed > 0 || t.errors > 0 ? "❌" : "✅"} ${plural(t.cases, "test case")}: ${t.passed} passed, ${t.failed} failed${t.errors > 0 ? `, ${plural(t.errors, "error")} in test files` : ""}`);
  }
  const changed = o.diffs.filter(decidesDifferently);
  if (o.base !== undefined) {
    const count = o.diffs.length === 0 ? "No policy changed" : `${plural(o.diffs.length, "policy", "policies")} changed`;
    lines.push("", `${count} against \`${o.base}\`${o.diffs.length === 0 ? "" : `, ${changed.length} of them deciding differently`}`);
  }

  if (o.check.diagnostics.length > 0) {
    lines.push("", "### Problems", "", "| | where | code | message |", "|---|---|---|---|");
    for (const d of o.check.diagnostics) {
      const where = d.span === undefined ? (d.file ?? "") : `${d.file ?? ""}:${d.span.line}:${d.span.column}`;
      lines.push(`| ${d.severity === "error" ? "error" : "warning"} | \`${cell(where)}\` | \`${d.code}\` | ${cell(d.message)} |`);
    }
  }

  if (o.check.silentContacts.length > 0) {
    lines.push("", "### A contact who never answers", "", "Each policy driven for a year by a sender that sends whenever the policy allows, to a contact who never replies:", "", "| policy | what the contact gets |", "|---|---|");
    for (const s of o.check.silentContacts) lines.push(`| \`${cell(s.file)}\` | ${cell(s.summary)} |`);
  }

  if (o.test !== undefined) {
    const failing = o.test.files.flatMap((f) => f.cases.filter((c) => !c.passed).map((c) => ({ file: f.file, c })));
    const testProblems = o.test.diagnostics.filter((d) => d.severity === "error");
    if (failing.length > 0 || testProblems.length > 0) {
      lines.push("", "### Failing policy tests", "");
      for (const { file, c } of failing) lines.push(`- \`${file}:${c.line}\` ${c.name}: ${c.failures.join("; ")}`);
      for (const d of testProblems) lines.push(`- \`${d.file ?? ""}${d.span ? `:${d.span.line}:${d.span.column}` : ""}\` [\`${d.code}\`] ${d.message}`);
    }
  }

  if (o.base !== undefined) {
    lines.push("", "### Behavioural changes", "");
    if (o.baseNote !== undefined) lines.push(`> ${o.baseNote}`, "");
    if (o.diffs.length === 0) lines.push("No policy file changed in this pull request.");
    for (const d of o.diffs) {
      const title = d.before === undefined ? `\`${d.file}\` (new)` : d.before === d.file ? `\`${d.file}\`` : `\`${d.file}\` (was \`${d.before}\`)`;
      lines.push(`#### ${title}`, "");
      if (d.error !== undefined) lines.push(d.error);
      else if (d.before === undefined) lines.push("A new policy: nothing to compare with.");
      else if (d.same) lines.push("Decides as before (compared on every history built from the boundaries the two versions name: see `heed diff`; nothing was sampled).");
      else for (const change of d.changes) lines.push(`- ${change.message} (touch proposed at ${change.at})`);
      lines.push("");
    }
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

/**
 * @param {string} file
 * @param {string} text
 */
function write(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/**
 * @param {string} key
 * @param {string} value
 * @param {NodeJS.ProcessEnv} env
 */
function output(key, value, env) {
  const file = env["GITHUB_OUTPUT"];
  if (file) appendFileSync(file, `${key}=${value}\n`);
}

/**
 * Runs the whole action; returns the exit code.
 * @param {NodeJS.ProcessEnv} env
 * @returns {number}
 */
export function main(env = process.env) {
  const workspace = env["GITHUB_WORKSPACE"] || process.cwd();
  const paths = (env["HEED_PATHS"] || ".").split(/\s+/).filter((p) => p !== "");
  const sarifDir = resolve(workspace, env["HEED_SARIF_DIR"] || join(tmpdir(), "heed-sarif"));
  const strict = env["HEED_STRICT"] === "true";
  const heed = heedCommand(env, workspace);
  mkdirSync(sarifDir, { recursive: true });
  const log = (/** @type {string} */ text) => process.stdout.write(text.endsWith("\n") || text === "" ? text : `${text}\n`);

  // check: annotations, SARIF, and the JSON the summary reads
  const checkArgs = ["check", ...paths, ...(strict ? ["--strict"] : [])];
  const checkJson = run(heed, [...checkArgs, "--format", "json"], workspace);
  let check;
  try {
    check = JSON.parse(checkJson.stdout);
  } catch {
    process.stderr.write(`heed action: \`${[...heed, ...checkArgs].join(" ")}\` failed (exit ${checkJson.code}); set the \`heed-command\` input, or install heed in the repository (npm ci)\n${checkJson.stderr}`);
    return 2;
  }
  write(join(sarifDir, "check.sarif"), run(heed, [...checkArgs, "--format", "sarif"], workspace).stdout);
  log(run(heed, [...checkArgs, "--format", "github"], workspace).stdout);
  const policies = new Set([...check.silentContacts.map((/** @type {SilentContact} */ s) => s.file), ...check.diagnostics.map((/** @type {JsonDiagnostic} */ d) => d.file)]).size;

  // test: only where there are test files
  let test;
  const testJson = run(heed, ["test", ...paths, "--format", "json"], workspace);
  if (testJson.code !== 2) {
    test = JSON.parse(testJson.stdout);
    write(join(sarifDir, "test.sarif"), run(heed, ["test", ...paths, "--format", "sarif"], workspace).stdout);
    log(run(heed, ["test", ...paths, "--format", "github"], workspace).stdout);
    if (env["HEED_JUNIT"]) write(resolve(workspace, env["HEED_JUNIT"]), run(heed, ["test", ...paths, "--format", "junit"], workspace).stdout);
  } else {
    write(join(sarifDir, "test.sarif"), `${JSON.stringify(emptyLog(JSON.parse(readFileSync(join(sarifDir, "check.sarif"), "utf8")), "test"), null, 2)}\n`);
  }

  // diff: each changed policy against its version in the base
  /** @type {Outcome["diffs"]} */
  const diffs = [];
  /** @type {any[]} */
  const diffLogs = [];
  const baseRef = env["HEED_BASE_REF"]?.trim() || undefined;
  let baseNote;
  if (baseRef !== undefined) {
    const base = baseCommit(baseRef, workspace);
    if (base === undefined) {
      baseNote = `the base branch \`${baseRef}\` is not in this checkout and could not be fetched: no policy was diffed`;
    } else {
      baseNote = base.note;
      const scratch = mkdtempSync(join(tmpdir(), "heed-action-"));
      try {
        for (const { file, before } of changedPolicies(base.commit, paths, workspace)) {
          if (before === undefined) {
            diffs.push({ file, before, changes: [], same: false });
            continue;
          }
          const old = join(scratch, `${diffs.length}`, basename(before));
          write(old, git(["show", `${base.commit}:${before}`], workspace).stdout);
          const diff = run(heed, ["diff", old, file, "--format", "json"], workspace);
          if (diff.code === 2) {
            diffs.push({ file, before, changes: [], same: false, error: "One of the two versions has errors (see the problems above), so they were not compared." });
            continue;
          }
          const report = JSON.parse(diff.stdout);
          diffs.push({ file, before, changes: report.changes, same: report.same });
          if (!report.same) {
            diffLogs.push(JSON.parse(run(heed, ["diff", old, file, "--format", "sarif"], workspace).stdout));
            log(run(heed, ["diff", old, file, "--format", "github"], workspace).stdout);
          }
        }
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    }
  }
  const diffSarif = mergeSarif(diffLogs) ?? emptyLog(JSON.parse(readFileSync(join(sarifDir, "check.sarif"), "utf8")), "diff");
  write(join(sarifDir, "diff.sarif"), `${JSON.stringify(diffSarif, null, 2)}\n`);

  const outcome = { check: { ...check, policies }, test, diffs, base: baseRef, baseNote, strict };
  const summary = summaryMarkdown(outcome);
  if (env["GITHUB_STEP_SUMMARY"]) appendFileSync(env["GITHUB_STEP_SUMMARY"], summary);
  else log(summary);

  const failed = checkJson.code !== 0 || (test !== undefined && testJson.code !== 0);
  output("sarif-dir", sarifDir, env);
  output("changed-policies", String(diffs.filter(decidesDifferently).length), env);
  output("failed", String(failed), env);
  return failed ? 1 : 0;
}

/**
 * A log with no result in another category, from one of heed's own (so an
 * upload closes the alerts of an earlier run, e.g. once no change is left).
 * @param {any} log
 * @param {string} category
 * @returns {any}
 */
export function emptyLog(log, category) {
  const [run] = log.runs;
  return { ...log, runs: [{ ...run, tool: { driver: { ...run.tool.driver, rules: [] } }, automationDetails: { id: `heed/${category}/` }, results: [] }] };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
}

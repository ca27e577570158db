/**
 * Runs a composite GitHub Action's steps on this machine, as the runner
 * would: `${{ }}` expressions evaluated (the subset actions use: contexts,
 * string literals, `==`, `!=`, `!`, `&&`, `||`, parentheses, `cancelled()`,
 * `success()`, `always()`), each `run` step executed by bash with its `env`
 * and the runner's files (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`), and each
 * `uses` step recorded with its evaluated `with` for the test to check.
 */

import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";

type Value = string | boolean | number | null | { [key: string]: Value };

/** The contexts an expression reads. */
export type Contexts = { [name: string]: Value };

function truthy(value: Value | undefined): boolean {
  return value !== undefined && value !== null && value !== false && value !== "" && value !== 0;
}

function text(value: Value | undefined): string {
  if (value === undefined || value === null) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** Evaluates one expression (the inside of `${{ }}`). */
export function evaluate(expression: string, contexts: Contexts, status: "success" | "failure" = "success"): Value {
  const tokens = expression.match(/'(?:[^']|'')*'|\|\||&&|==|!=|[()!.,]|[A-Za-z_][\w-]*|\d+|\S/g) ?? [];
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const next = (): string => {
    const token = tokens[i++];
    if (token === undefined) throw new Error(`unexpected end of \`${expression}\``);
    return token;
  };
  const primary = (): Value => {
    const token = next();
    if (token === "(") {
      const value = or();
      if (next() !== ")") throw new Error(`expected \`)\` in \`${expression}\``);
      return value;
    }
    if (token === "!") return !truthy(primary());
    if (token.startsWith("'")) return token.slice(1, -1).replace(/''/g, "'");
    if (/^\d+$/.test(token)) return Number(token);
    if (token === "true" || token === "false") return token === "true";
    if (peek() === "(") {
      next();
      const args: Value[] = [];
      while (peek() !== ")") {
        args.push(or());
        if (peek() === ",") next();
      }
      next();
      switch (token) {
        case "cancelled":
          return false;
        case "success":
          return status === "success";
        case "failure":
          return status === "failure";
        case "always":
          return true;
        case "format":
          return text(args[0]).replace(/\{(\d+)\}/g, (_, n: string) => text(args[Number(n) + 1]));
        default:
          throw new Error(`function \`${token}\` is not supported here`);
      }
    }
    let value: Value | undefined = contexts[token];
    while (peek() === ".") {
      next();
      const key = next();
      value = value !== null && typeof value === "object" ? value[key] : undefined;
    }
    return value ?? "";
  };
  const comparison = (): Value => {
    let left = primary();
    while (peek() === "==" || peek() === "!=") {
      const op = next();
      const right = primary();
      left = op === "==" ? text(left) === text(right) : text(left) !== text(right);
    }
    return left;
  };
  const and = (): Value => {
    let left = comparison();
    while (peek() === "&&") {
      next();
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const or = (): Value => {
    let left = and();
    while (peek() === "||") {
      next();
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const value = or();
  if (i !== tokens.length) throw new Error(`unexpected \`${tokens[i]}\` in \`${expression}\``);
  return value;
}

/** A string with its `${{ }}` expressions replaced by their values. */
export function interpolate(template: string, contexts: Contexts, status: "success" | "failure" = "success"): string {
  return template.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => text(evaluate(expression.trim(), contexts, status)));
}

/** A step of a composite action as run here. */
export interface StepRun {
  name: string;
  id?: string;
  /** Whether its `if` let it run. */
  ran: boolean;
  /** For a `run` step: its exit code and output. */
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  /** For a `uses` step: the action and its evaluated inputs. */
  uses?: string;
  with?: Record<string, string>;
}

interface ActionStep {
  name?: string;
  id?: string;
  if?: string;
  run?: string;
  shell?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

/** Options of {@link runCompositeAction}. */
export interface ActionRunOptions {
  /** The action's folder (`github.action_path`). */
  actionPath: string;
  /** The inputs given by the workflow (the others take their defaults). */
  inputs: Record<string, string>;
  /** The `github` context (`workspace`, `base_ref`, ...). */
  github: Record<string, string>;
  /** The runner's temporary folder. */
  runnerTemp: string;
  /** The fake `GITHUB_STEP_SUMMARY` and `GITHUB_OUTPUT` files. */
  summaryFile: string;
  /** The environment the runner gives every step (PATH and the like). */
  env: Record<string, string>;
}

/** Runs the steps of `action.yml` in `actionPath` as GitHub's runner would. */
export function runCompositeAction(options: ActionRunOptions): { steps: StepRun[]; outputs: Record<string, string> } {
  const action = parseYaml(readFileSync(join(options.actionPath, "action.yml"), "utf8")) as {
    inputs: Record<string, { default?: string }>;
    outputs: Record<string, { value: string }>;
    runs: { using: string; steps: ActionStep[] };
  };
  if (action.runs.using !== "composite") throw new Error(`not a composite action: ${action.runs.using}`);
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) inputs[name] = options.inputs[name] ?? spec.default ?? "";
  const steps: Record<string, Value> = {};
  const contexts: Contexts = {
    inputs,
    github: { ...options.github, action_path: options.actionPath },
    runner: { temp: options.runnerTemp, os: "Linux" },
    steps,
    env: options.env,
  };
  const runs: StepRun[] = [];
  let status: "success" | "failure" = "success";
  for (const [index, step] of action.runs.steps.entries()) {
    const name = step.name ?? step.uses ?? `step ${index + 1}`;
    const condition = step.if === undefined ? "success()" : step.if.replace(/^\$\{\{([\s\S]*)\}\}$/, "$1").trim();
    if (!truthy(evaluate(condition, contexts, status))) {
      runs.push({ name, ...(step.id === undefined ? {} : { id: step.id }), ran: false });
      continue;
    }
    if (step.uses !== undefined) {
      const given = Object.fromEntries(Object.entries(step.with ?? {}).map(([key, value]) => [key, interpolate(String(value), contexts, status)]));
      runs.push({ name, ...(step.id === undefined ? {} : { id: step.id }), ran: true, uses: step.uses, with: given });
      continue;
    }
    if (step.shell !== "bash") throw new Error(`step \`${name}\`: only bash steps are run here`);
    const outputFile = join(options.runnerTemp, `output-${index}`);
    writeFileSync(outputFile, "");
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([key, value]) => [key, interpolate(String(value), contexts, status)]));
    const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", interpolate(step.run ?? "", contexts, status)], {
      cwd: options.github["workspace"],
      encoding: "utf8",
      timeout: 600_000,
      env: {
        ...options.env,
        ...env,
        GITHUB_ACTIONS: "true",
        GITHUB_WORKSPACE: options.github["workspace"] ?? "",
        GITHUB_ACTION_PATH: options.actionPath,
        GITHUB_STEP_SUMMARY: options.summaryFile,
        GITHUB_OUTPUT: outputFile,
        RUNNER_TEMP: options.runnerTemp,
      },
    });
    const outputs: Record<string, string> = {};
    for (const line of readFileSync(outputFile, "utf8").split("\n")) {
      const eq = line.indexOf("=");
      if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
    }
    if (step.id !== undefined) steps[step.id] = { outputs, outcome: result.status === 0 ? "success" : "failure" };
    if (result.status !== 0) status = "failure";
    runs.push({ name, ...(step.id === undefined ? {} : { id: step.id }), ran: true, exitCode: result.status ?? -1, stdout: result.stdout, stderr: result.stderr });
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs).map(([name, spec]) => [name, interpolate(spec.value, contexts, status)]));
  return { steps: runs, outputs };
}

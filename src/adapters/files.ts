/**
 * Everything the CLI reads from disk: finding policy and test files under
 * folders, reading policies into ASTs with their diagnostics, and reading
 * contact and history files (JSON or YAML).
 *
 * @module
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import type { Policy } from "../ast.js";
import type { Diagnostic } from "../diagnostics.js";
import { parsePolicy, withoutBom } from "../parser/index.js";

/** A path named on the command line, or a folder under it, that cannot be searched: a usage error. */
export class PathError extends Error {
  override readonly name: string = "PathError";
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.path = path;
  }
}

/** A path named on the command line that does not exist. */
export class MissingPathError extends PathError {
  override readonly name = "MissingPathError";
  constructor(path: string) {
    super(path, `path \`${path}\` not found`);
  }
}

function readFailure(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOENT":
      return "it was removed while being searched";
    default:
      return "it cannot be read";
  }
}

/** True for a policy file name: `*.heed`, `*.heed.yaml`, `*.heed.yml`. */
export function isPolicyFile(name: string): boolean {
  return /\.heed$|\.heed\.ya?ml$/.test(name) && !isTestFile(name);
}

/** True for a policy test file name: `*.test.yaml`, `*.test.yml`. */
export function isTestFile(name: string): boolean {
  return /\.test\.ya?ml$/.test(name);
}

/** True for a file in the DSL form (rather than YAML). */
export function isDslFile(name: string): boolean {
  return !/\.ya?ml$/.test(name);
}

/**
 * The files under `paths` that `accept` picks, in a stable order. A file
 * named directly is always taken; folders are searched recursively, skipping
 * hidden folders and `node_modules`. Throws {@link MissingPathError} for a
 * path that does not exist, {@link PathError} for a folder that cannot be read.
 */
export function discoverFiles(paths: readonly string[], cwd: string, accept: (name: string) => boolean): string[] {
  const found: string[] = [];
  for (const given of paths) {
    const absolute = resolve(cwd, given);
    let stat;
    try {
      stat = statSync(absolute);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EACCES" || code === "EPERM") throw new PathError(given, `cannot read \`${given}\`: permission denied`);
      throw new MissingPathError(given);
    }
    if (stat.isDirectory()) {
      const shown = (file: string): string => displayPath(file, cwd, given, absolute);
      found.push(...walk(absolute, accept, shown).map(shown));
    } else {
      found.push(given);
    }
  }
  return [...new Set(found)];
}

function walk(dir: string, accept: (name: string) => boolean, shown: (path: string) => string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    throw new PathError(shown(dir), `cannot search folder \`${shown(dir)}\`: ${readFailure(error)}`);
  }
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full, accept, shown));
    else if (entry.isFile() && accept(entry.name)) out.push(full);
  }
  return out;
}

/** A found file named the way the user named its folder (relative stays relative). */
function displayPath(file: string, cwd: string, given: string, absoluteGiven: string): string {
  if (isAbsolute(given)) return file;
  const rel = relative(cwd, file);
  return rel.startsWith("..") ? join(given, relative(absoluteGiven, file)) : rel;
}

/** A policy file read and parsed. */
export interface LoadedPolicy {
  /** The file as named to the user (and in spans). */
  file: string;
  /** The text, or `undefined` when the file could not be read. */
  text: string | undefined;
  policy: Policy | undefined;
  diagnostics: Diagnostic[];
}

/** Reads a text file, or returns a `read-error` diagnostic naming it. */
export function readText(file: string, cwd: string): { text: string } | { diagnostic: Diagnostic } {
  try {
    // Without a byte-order mark, so that what is shown (code frames) matches what was parsed.
    return { text: withoutBom(readFileSync(resolve(cwd, file), "utf8")) };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as NodeJS.ErrnoException).code === "EISDIR" ? "is a folder" : "cannot be read";
    return {
      diagnostic: {
        severity: "error",
        code: "read-error",
        message: `\`${file}\`: ${reason}`,
        span: { file, line: 1, column: 1, endLine: 1, endColumn: 1 },
      },
    };
  }
}

/** Reads and parses a policy file (DSL or YAML by its name, else by its content). */
export function loadPolicy(file: string, cwd: string): LoadedPolicy {
  const read = readText(file, cwd);
  if ("diagnostic" in read) return { file, text: undefined, policy: undefined, diagnostics: [read.diagnostic] };
  const { policy, diagnostics } = parsePolicy(read.text, { file });
  return { file, text: read.text, policy, diagnostics: [...diagnostics] };
}

/** Input that is not what was expected: a message naming the file. */
export class DataFileError extends Error {
  override readonly name = "DataFileError";
}

/** Reads a JSON or YAML data file (contact, history). */
export function loadDataFile(file: string, cwd: string): unknown {
  const read = readText(file, cwd);
  if ("diagnostic" in read) throw new DataFileError(read.diagnostic.message);
  const json = /\.json$/i.test(file);
  try {
    return json ? JSON.parse(read.text) : parseYaml(read.text);
  } catch (error) {
    const detail = !(error instanceof Error) ? "invalid content" : json ? jsonProblem(error.message, read.text) : (error.message.split("\n")[0] ?? "");
    throw new DataFileError(`\`${file}\` is not valid ${json ? "JSON" : "YAML"}: ${detail}`);
  }
}

/**
 * The runtime's JSON error on one line (it may quote the text, line breaks
 * and all), with the line and column of the offending character.
 */
function jsonProblem(message: string, text: string): string {
  const token = /^Unexpected token '([^']*)', [\s\S]* is not valid JSON$/.exec(message);
  const what = token
    ? `unexpected \`${token[1]}\``
    : message
        .replace(/\r?\n/g, "\\n")
        .replace(/ in JSON at position \d+.*$/, "")
        .replace(/ at position \d+.*$/, "")
        .replace(/\.$/, "")
        .replace(/^./, (first) => first.toLowerCase());
  const offset = jsonErrorOffset(text, message);
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return `${what} at line ${line}, column ${column}`;
}

/**
 * Where a JSON text goes wrong. The runtime names the position for some
 * errors only (`Unexpected token 'o', "not json" is not valid JSON` has
 * none), so otherwise the longest prefix that could still begin a valid JSON
 * text is found by bisection: a prefix is such a beginning when it parses or
 * fails only at its end.
 */
function jsonErrorOffset(text: string, message: string): number {
  const given = /at position (\d+)/.exec(message);
  if (given !== null) return Number(given[1]);
  const opens = (prefix: string): boolean => {
    try {
      JSON.parse(prefix);
      return true;
    } catch (error) {
      const problem = (error as Error).message;
      if (problem.startsWith("Unexpected end of JSON input")) return true;
      const at = /at position (\d+)/.exec(problem);
      return at !== null && Number(at[1]) >= prefix.length;
    }
  };
  let good = 0;
  let bad = text.length;
  while (bad - good > 1) {
    const middle = good + Math.floor((bad - good) / 2);
    if (opens(text.slice(0, middle))) good = middle;
    else bad = middle;
  }
  return good;
}

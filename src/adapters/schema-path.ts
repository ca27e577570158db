/**
 * The editor schema line of YAML files (`# yaml-language-server:
 * $schema=...`), pointing where the schema really is from the file's
 * folder: into the installed package (`node_modules/heed/schema/...`),
 * into this repository's `schema/` when the file lives in it, or at a path
 * or URL the user chose (`heed convert --schema-path`).
 *
 * @module
 */

import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Which schema a YAML file is checked with. */
export type SchemaKind = "policy" | "test";

/** The schema files, in the package's `schema/` folder. */
export const SCHEMA_FILES: Readonly<Record<SchemaKind, string>> = {
  policy: "heed-policy.schema.json",
  test: "heed-test.schema.json",
};

/** The package's name, as installed in `node_modules`. */
const PACKAGE = "heed";

/** The comment that names a YAML file's schema; the target is the rest of the line. */
const SCHEMA_COMMENT = /^#\s*yaml-language-server:\s*\$schema=(\S+)\s*$/;

/** The schema line for a target (a relative path, an absolute path or a URL). */
export function schemaLine(target: string): string {
  return `# yaml-language-server: $schema=${target}`;
}

/**
 * The target of the schema line among the comment lines a text starts
 * with (before its first line of content), or `undefined`. Both forms are
 * read: a DSL file carries the line of the YAML it was converted from.
 */
export function readSchemaTarget(text: string): string | undefined {
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    if (!line.startsWith("#")) return undefined;
    const match = SCHEMA_COMMENT.exec(line);
    if (match !== null) return match[1];
  }
  return undefined;
}

/** True for a target that is a URL (`https://...`, `file:///...`), which no folder changes. */
export function isUrl(target: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]+:/.test(target) && !/^[A-Za-z]:[\\/]/.test(target);
}

/** A path as a schema target: relative to `folder` with `/` separators, or absolute when no relative path leads there. */
function targetFrom(folder: string, file: string): string {
  const path = relative(folder, file);
  if (isAbsolute(path)) return sep === "\\" ? pathToFileURL(file).href : file;
  return path.split(sep).join("/");
}

/** Where a schema target written for a file in `from` points, made relative to `to`; URLs and absolute paths stay as they are. */
export function rebaseSchemaTarget(target: string, from: string, to: string): string {
  if (isUrl(target) || isAbsolute(target)) return target;
  return targetFrom(to, resolve(from, target));
}

/** `--schema-path PATH|URL`: a URL as it is, a path (relative to `cwd`) made relative to the file's folder. */
export function schemaTargetFromOption(value: string, cwd: string, folder: string): string {
  if (isUrl(value)) return value;
  return targetFrom(folder, resolve(cwd, value));
}

/** Where the schema was found for a folder. */
export interface FoundSchema {
  /** The target to write after `$schema=`. */
  target: string;
  /**
   * `project`: the nearest heed package at or above the folder (an
   * installed `node_modules/heed`, or this repository itself);
   * `running`: none was found, so the copy of the heed that runs, by its
   * absolute path (valid on this machine only).
   */
  source: "project" | "running";
  /** The schema file the target leads to. */
  file: string;
}

/** True when `folder` holds the heed package itself (its `package.json` names it): this repository, or an unpacked copy. */
function isHeedPackage(folder: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as { name?: unknown }).name === PACKAGE;
  } catch {
    return false;
  }
}

/**
 * The schema for a YAML file written into `folder`: walking up from it,
 * the first folder that is the heed package (`schema/FILE` beside its
 * `package.json`) or holds `node_modules/heed/schema/FILE` gives a path
 * relative to `folder`; with none, the running heed's own copy.
 */
export function findSchema(folder: string, kind: SchemaKind): FoundSchema {
  const name = SCHEMA_FILES[kind];
  for (let dir = resolve(folder); ; dir = dirname(dir)) {
    const own = join(dir, "schema", name);
    if (existsSync(own) && isHeedPackage(dir)) return { target: targetFrom(folder, own), source: "project", file: own };
    const installed = join(dir, "node_modules", PACKAGE, "schema", name);
    if (existsSync(installed)) return { target: targetFrom(folder, installed), source: "project", file: installed };
    if (dirname(dir) === dir) break;
  }
  const running = runningSchema(kind);
  return { target: sep === "\\" ? pathToFileURL(running).href : running, source: "running", file: running };
}

/** The schema file of the heed that runs: `schema/` two folders above this module (`src/adapters` or `dist/adapters`). */
export function runningSchema(kind: SchemaKind): string {
  return fileURLToPath(new URL(`../../schema/${SCHEMA_FILES[kind]}`, import.meta.url));
}

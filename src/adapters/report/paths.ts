/**
 * Paths in machine reports. Code scanning (SARIF) and workflow annotations
 * (`github`) locate a file relative to the repository's root, whatever
 * folder `heed` ran in: `policies/inbound.heed`, not `inbound.heed` from
 * inside `policies/` nor `/home/runner/work/app/policies/inbound.heed`.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/** What report paths are resolved against. */
export interface ReportBase {
  /** The folder the command ran in: files are named relative to it. */
  cwd: string;
  /** The folder report paths are relative to (absolute). */
  root: string;
}

/** The path with symbolic links resolved (`/tmp` and `/private/tmp` on macOS), as far as it exists. */
function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(real(parent), basename(path));
  }
}

/**
 * The root report paths are relative to: `given` (`--root`, relative to
 * `cwd`), else the top of the git work tree holding `cwd`, else `cwd`.
 */
export function reportRoot(cwd: string, given?: string): string {
  if (given !== undefined) return real(resolve(cwd, given));
  const git = spawnSync("git", ["rev-parse", "--show-toplevel"], { cwd, encoding: "utf8", timeout: 10_000, stdio: ["ignore", "pipe", "ignore"] });
  const top = git.status === 0 ? git.stdout.trim() : "";
  return real(top !== "" ? top : cwd);
}

/**
 * A file as the command named it, relative to the root with `/` between
 * folders; `undefined` when the file lies outside the root.
 */
export function pathFromRoot(file: string, base: ReportBase): string | undefined {
  const absolute = resolve(base.cwd, file);
  const rel = relative(base.root, real(absolute));
  if (rel === "" || rel.startsWith(`..${sep}`) || rel === ".." || isAbsolute(rel)) return undefined;
  return rel.split(sep).join("/");
}

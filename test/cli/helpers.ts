/** Drives the built `heed` binary as a user would, in temporary folders. */

import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const BIN = join(ROOT, "bin/heed.js");
export const FIXTURES = join(ROOT, "test/cli/fixtures");

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/heed.js ...args` in `cwd` (colour off unless `env` says otherwise). */
export function heed(args: readonly string[], cwd: string, env: Record<string, string> = {}): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env["PATH"] ?? "", ...env },
    timeout: 300_000,
    // a large policy's report runs to megabytes (the default buffer of 1 MB would kill the run)
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh temporary folder holding `files` (name to text). */
export function workspace(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "heed-cli-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Copies fixtures into a folder under their own names (or `to`). */
export function copyFixture(dir: string, name: string, to = name): void {
  mkdirSync(dirname(join(dir, to)), { recursive: true });
  copyFileSync(join(FIXTURES, name), join(dir, to));
}

/** The 1-based line and column of the first occurrence of `needle` in `text`. */
export function positionOf(text: string, needle: string, from = 0): { line: number; column: number } {
  const index = text.indexOf(needle, from);
  if (index < 0) throw new Error(`\`${needle}\` not in text`);
  const before = text.slice(0, index).split("\n");
  return { line: before.length, column: (before.at(-1) ?? "").length + 1 };
}

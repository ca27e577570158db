/**
 * The policies a running service answers with: every `*.heed` and
 * `*.heed.yaml` file of a folder (or one file), reloaded when they change.
 *
 * - A file is read until it is stable (see {@link readStable}): a file
 *   being written is never served half-written.
 * - A file that fails to parse or validate never replaces the working
 *   version of it: its errors are kept beside it for `GET /v1/policies`.
 * - A reload builds the whole next set (policies, engines, errors) and
 *   swaps it in at once: a request sees the set before or after, never
 *   half of each.
 * - A deleted file's policy leaves the set with a warning and is listed as
 *   removed, unless the policy is required (`--require NAME`): a required
 *   policy (a compliance overlay) never leaves the set; its last good
 *   version stays in use and the problem is reported.
 * - A file that is a symbolic link to a file outside the folder, or not a
 *   regular file, is refused unread (its content is never echoed).
 *
 * @module
 */

import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync, statSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import type { Policy } from "../../ast.js";
import { HeedPolicyError, type Diagnostic } from "../../diagnostics.js";
import type { Engine } from "../../engine/api.js";
import { compile } from "../../engine/index.js";
import { parsePolicy } from "../../parser/index.js";

/** A policy file in use. */
export interface LoadedPolicy {
  name: string;
  file: string;
  /** `sha256:` and the hex digest of the file's text. */
  hash: string;
  policy: Policy;
  /** When this version was loaded (ISO-8601). */
  loadedAt: string;
}

/** A file whose latest version failed to load (or a required policy whose file is gone). */
export interface PolicyFileError {
  file: string;
  /** True when an older, working version of the file is still in use. */
  keptPrevious: boolean;
  diagnostics: Diagnostic[];
}

/** A policy that left the set because its file was deleted. */
export interface RemovedPolicy {
  name: string;
  file: string;
  /** When the deletion was noticed (ISO-8601). */
  removedAt: string;
}

/** Options of {@link PolicyRegistry}. */
export interface RegistryOptions {
  /** The clock, for `loadedAt` and `removedAt`. */
  now?: () => Date;
  /** Names of policies that must never leave the set (`--require`). */
  required?: readonly string[];
  /**
   * How long a file must stay unchanged before it is read as final, in ms
   * (default {@link DEFAULT_SETTLE_MS}).
   */
  settleMs?: number;
}

/** A file must stay unchanged this long (ms) before a reload takes it. */
export const DEFAULT_SETTLE_MS = 500;

/** The largest policy file read, in bytes. */
export const MAX_POLICY_FILE_BYTES = 4 * 1024 * 1024;

/** Where errors of the policies taken together (rather than of one file) are listed. */
const SET_KEY = "(policy set)";

/** True for a policy file name. */
export function isPolicyFileName(name: string): boolean {
  return /\.heed$|\.heed\.ya?ml$/.test(name) && !/\.test\.ya?ml$/.test(name);
}

/** The hash a decision log line names a policy version by. */
export function contentHash(text: string): string {
  return `sha256:${createHash("sha256").update(text).digest("hex")}`;
}

function diagnostic(file: string, code: string, message: string): Diagnostic {
  return { severity: "error", code, message, span: { file, line: 1, column: 1, endLine: 1, endColumn: 1 } };
}

/** What reading one policy file gave. */
type FileRead =
  | { kind: "text"; text: string; size: number; mtimeMs: number }
  | { kind: "unchanged" }
  | { kind: "gone" }
  | { kind: "refused"; code: string; message: string };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Everything one reload produces, swapped in at once. */
interface RegistryState {
  /** Policies in use by file path; a required policy whose file is gone stays under its old path. */
  loaded: Map<string, LoadedPolicy>;
  /** Required policies kept after their file came to hold another policy. */
  kept: LoadedPolicy[];
  failed: Map<string, PolicyFileError>;
  removed: Map<string, RemovedPolicy>;
  engines: Map<string, Engine>;
  setEngine: Engine | undefined;
}

/** The loaded policies of a folder, with the engine compiled from them. */
export class PolicyRegistry {
  private state: RegistryState = { loaded: new Map(), kept: [], failed: new Map(), removed: new Map(), engines: new Map(), setEngine: undefined };
  private reloading: Promise<boolean> = Promise.resolve(false);
  private readonly now: () => Date;
  private readonly required: ReadonlySet<string>;
  private readonly settleMs: number;
  /** Warnings of the last reload (deleted files), for the log. */
  private notices: string[] = [];

  /** @param path a folder of policies, or one policy file */
  constructor(
    readonly path: string,
    options: RegistryOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.required = new Set(options.required ?? []);
    this.settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  }

  /** The policies in use, by file name. */
  policies(): LoadedPolicy[] {
    return [...this.state.loaded.values(), ...this.state.kept].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  }

  errors(): PolicyFileError[] {
    return [...this.state.failed.values()].sort((a, b) => (a.file < b.file ? -1 : 1));
  }

  /** Policies whose files were deleted, by file name. */
  removed(): RemovedPolicy[] {
    return [...this.state.removed.values()].sort((a, b) => (a.file < b.file ? -1 : 1));
  }

  /** True for a policy named by `--require`. */
  isRequired(name: string): boolean {
    return this.required.has(name);
  }

  /** The required policies not in use (at start, each is a start-up error). */
  missingRequired(): string[] {
    const names = new Set(this.policies().map((p) => p.name));
    return [...this.required].filter((name) => !names.has(name)).sort();
  }

  /** The warnings of the last reload, once: deleted files. */
  takeNotices(): string[] {
    const notices = this.notices;
    this.notices = [];
    return notices;
  }

  /** The engine of every loaded policy as one set, or of the one named. */
  engine(name?: string): Engine | undefined {
    if (name === undefined) return this.state.setEngine;
    return this.state.engines.get(name);
  }

  /** The loaded policies an engine from {@link engine} answers with. */
  members(name?: string): LoadedPolicy[] {
    return this.policies().filter((p) => name === undefined || p.name === name);
  }

  /** Reads every policy file again; resolves to true when anything changed. Reloads never overlap. */
  reload(): Promise<boolean> {
    this.reloading = this.reloading.then(
      () => this.load(),
      () => this.load(),
    );
    return this.reloading;
  }

  /** Resolves once the reload in flight, if any, has finished. */
  async idle(): Promise<void> {
    await this.reloading.catch(() => false);
  }

  /** The files to read: the folder's policy files, or the one file named. */
  files(): string[] {
    let stat;
    try {
      stat = statSync(this.path);
    } catch {
      return [];
    }
    if (!stat.isDirectory()) return [this.path];
    return readdirSync(this.path)
      .filter(isPolicyFileName)
      .sort()
      .map((name) => join(this.path, name));
  }

  /** A cheap fingerprint of the files (names, sizes, modification times), for polling. */
  fingerprint(): string {
    return this.files()
      .map((file) => {
        try {
          const s = lstatSync(file);
          return `${file}:${s.size}:${s.mtimeMs}`;
        } catch {
          return `${file}:gone`;
        }
      })
      .join("|");
  }

  /**
   * Reads a policy file once it is stable: its size and modification time
   * the same before and after reading, and either last modified at least
   * the settle time ago or read twice, the settle time apart, with the same
   * content. A file that keeps changing is left for the next reload.
   */
  private async readStable(file: string, previous: LoadedPolicy | undefined): Promise<FileRead | { kind: "unstable" }> {
    let last: { hash: string; size: number; mtimeMs: number } | undefined;
    for (let tries = 0; tries < 20; tries++) {
      const read = this.readOnce(file);
      if (read.kind !== "text") return read;
      const hash = contentHash(read.text);
      if (previous?.hash === hash) return { kind: "unchanged" };
      const settled = this.now().getTime() - read.mtimeMs >= this.settleMs;
      if (settled || (last !== undefined && last.hash === hash && last.size === read.size && last.mtimeMs === read.mtimeMs)) return read;
      last = { hash, size: read.size, mtimeMs: read.mtimeMs };
      await sleep(this.settleMs);
    }
    return { kind: "unstable" };
  }

  /** One read of a file, refusing what must not be read: see the module's notes. */
  private readOnce(file: string): FileRead {
    const display = basename(file);
    let target = file;
    try {
      const link = lstatSync(file);
      if (link.isSymbolicLink() && this.isFolder()) {
        target = realpathSync(file);
        const folder = realpathSync(this.path);
        const inside = relative(folder, target);
        if (inside === "" || inside.startsWith(`..${sep}`) || inside === ".." || inside.startsWith(sep)) {
          return { kind: "refused", code: "symlink-outside", message: `\`${display}\` is a symbolic link to a file outside the policy folder: not read` };
        }
      }
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "ENOENT" ? { kind: "gone" } : { kind: "refused", code: "read-error", message: `\`${display}\` cannot be read` };
    }
    let fd: number;
    try {
      // No following a link swapped in since the check; no waiting on a FIFO.
      fd = openSync(target, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return { kind: "gone" };
      if (code === "ELOOP") return { kind: "refused", code: "symlink-outside", message: `\`${display}\` became a symbolic link while being read: not read` };
      return { kind: "refused", code: "read-error", message: `\`${display}\` cannot be read` };
    }
    try {
      const before = fstatSync(fd);
      if (!before.isFile()) return { kind: "refused", code: "read-error", message: `\`${display}\` is not a regular file: not read` };
      if (before.size > MAX_POLICY_FILE_BYTES) {
        return { kind: "refused", code: "file-too-large", message: `\`${display}\` is ${before.size} bytes long: policy files are read up to ${MAX_POLICY_FILE_BYTES} bytes` };
      }
      const buffer = Buffer.alloc(before.size + 1);
      let length = 0;
      for (;;) {
        const n = readSync(fd, buffer, length, buffer.length - length, null);
        if (n === 0) break;
        length += n;
        if (length === buffer.length) break; // grew while being read: the sizes below differ
      }
      const after = fstatSync(fd);
      const path = statSafe(file);
      if (length !== before.size || after.size !== before.size || after.mtimeMs !== before.mtimeMs || path === undefined || path.mtimeMs !== after.mtimeMs) {
        // Changing under the read: report it as just modified, so it is read again after the settle time.
        return { kind: "text", text: buffer.subarray(0, length).toString("utf8"), size: -1, mtimeMs: this.now().getTime() };
      }
      return { kind: "text", text: buffer.subarray(0, length).toString("utf8"), size: before.size, mtimeMs: before.mtimeMs };
    } finally {
      closeSync(fd);
    }
  }

  private isFolder(): boolean {
    return statSafe(this.path)?.isDirectory() === true;
  }

  private async load(): Promise<boolean> {
    const current = this.state;
    const files = this.files();
    const present = new Set(files);
    const loaded = new Map(current.loaded);
    const failed = new Map([...current.failed].filter(([file]) => file !== SET_KEY && present.has(file)));
    const removed = new Map(current.removed);
    let changed = false;
    const notices: string[] = [];
    const at = (): string => this.now().toISOString();

    // Deleted files: their policies leave the set, unless required.
    for (const [file, policy] of current.loaded) {
      if (present.has(file)) continue;
      if (this.required.has(policy.name)) {
        failed.set(file, {
          file: policy.file,
          keptPrevious: true,
          diagnostics: [
            diagnostic(policy.file, "required-policy-missing", `\`${policy.file}\` was deleted, but policy \`${policy.name}\` is required: its last good version stays in use`),
          ],
        });
        continue;
      }
      loaded.delete(file);
      removed.set(file, { name: policy.name, file: policy.file, removedAt: at() });
      notices.push(`\`${policy.file}\` was deleted: policy \`${policy.name}\` is no longer in use`);
      changed = true;
    }

    for (const file of files) {
      const display = basename(file);
      const previous = loaded.get(file);
      const read = await this.readStable(file, previous);
      if (read.kind === "gone" || read.kind === "unstable") continue; // the next reload sees it settled, or gone
      if (read.kind === "unchanged") {
        failed.delete(file);
        continue;
      }
      if (read.kind === "refused") {
        failed.set(file, { file: display, keptPrevious: previous !== undefined, diagnostics: [diagnostic(display, read.code, read.message)] });
        continue;
      }
      const checked = checkPolicyText(read.text, file, display);
      if ("problems" in checked) {
        failed.set(file, { file: display, keptPrevious: previous !== undefined, diagnostics: checked.problems });
        continue;
      }
      const policy = checked.policy;
      const clash = [...loaded.entries()].find(([other, p]) => other !== file && p.name === policy.name.value);
      if (clash) {
        failed.set(file, {
          file: display,
          keptPrevious: previous !== undefined,
          diagnostics: [diagnostic(display, "duplicate-policy", `policy \`${policy.name.value}\` is already loaded from \`${clash[1].file}\``)],
        });
        continue;
      }
      failed.delete(file);
      loaded.set(file, { name: policy.name.value, file: display, hash: contentHash(read.text), policy, loadedAt: at() });
      removed.delete(file);
      changed = true;
    }

    // A required policy whose file now holds another policy stays, as it was.
    const names = new Set([...loaded.values()].map((p) => p.name));
    const kept: LoadedPolicy[] = [];
    for (const policy of [...current.loaded.values(), ...current.kept]) {
      if (!this.required.has(policy.name) || names.has(policy.name)) continue;
      kept.push(policy);
      names.add(policy.name);
      const holder = [...loaded.values()].find((p) => p.file === policy.file);
      failed.set(`${policy.file} (required)`, {
        file: policy.file,
        keptPrevious: true,
        diagnostics: [
          diagnostic(
            policy.file,
            "required-policy-missing",
            `\`${policy.file}\` now holds policy \`${holder?.name ?? "?"}\`, but policy \`${policy.name}\` is required: its last good version stays in use`,
          ),
        ],
      });
    }
    if (kept.length !== current.kept.length) changed = true;

    let engines = current.engines;
    let setEngine = current.setEngine;
    if (changed || current.setEngine === undefined) {
      const policies = [...loaded.values(), ...kept];
      engines = new Map(policies.map((p) => [p.name, compile(p.policy)]));
      try {
        setEngine = policies.length === 0 ? undefined : compile(policies.map((p) => p.policy));
      } catch (error) {
        if (!(error instanceof HeedPolicyError)) throw error;
        // Each policy is fine alone but not together: keep answering with the previous set.
        failed.set(SET_KEY, { file: SET_KEY, keptPrevious: current.setEngine !== undefined, diagnostics: [...error.diagnostics] });
      }
    }
    this.state = { loaded, kept, failed, removed, engines, setEngine };
    this.notices.push(...notices);
    return changed;
  }
}

/**
 * Parses and compiles a file's text: the policy, or its errors. A policy
 * the compiler fails on with an internal error is refused like an invalid
 * one, so one such file never stops the others from loading.
 */
function checkPolicyText(text: string, file: string, display: string): { policy: Policy } | { problems: Diagnostic[] } {
  const internal = (error: unknown): Diagnostic[] => [
    diagnostic(display, "internal-error", `\`${display}\` could not be loaded: internal error (${error instanceof Error ? error.message : String(error)})`),
  ];
  let parsed: ReturnType<typeof parsePolicy>;
  try {
    parsed = parsePolicy(text, { file: display, format: /\.ya?ml$/.test(file) ? "yaml" : "dsl" });
  } catch (error) {
    return { problems: internal(error) };
  }
  const { policy, diagnostics } = parsed;
  let problems = diagnostics.filter((d) => d.severity === "error");
  if (policy !== undefined && problems.length === 0) {
    try {
      compile(policy);
    } catch (error) {
      problems = error instanceof HeedPolicyError ? [...error.diagnostics] : internal(error);
    }
  }
  if (policy === undefined) return { problems: problems.length > 0 ? problems : [diagnostic(display, "invalid-policy", `\`${display}\` holds no policy`)] };
  return problems.length > 0 ? { problems } : { policy };
}

function statSafe(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

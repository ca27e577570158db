/**
 * The policies a running service answers with: every `*.heed` and
 * `*.heed.yaml` file of a folder (or one file), reloaded when they change.
 * A file that fails to parse or validate never replaces the working version
 * of it: its errors are kept beside it for `GET /v1/policies` and the log.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
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

/** A file whose latest version failed to load. */
export interface PolicyFileError {
  file: string;
  /** True when an older, working version of the file is still in use. */
  keptPrevious: boolean;
  diagnostics: Diagnostic[];
}

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

/** The loaded policies of a folder, with the engine compiled from them. */
export class PolicyRegistry {
  private loaded = new Map<string, LoadedPolicy>();
  private failed = new Map<string, PolicyFileError>();
  private engines = new Map<string, Engine>();
  private setEngine: Engine | undefined;
  private reloading: Promise<boolean> = Promise.resolve(false);

  /**
   * @param path a folder of policies, or one policy file
   * @param now the clock, for `loadedAt`
   */
  constructor(
    readonly path: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The policies in use, by file name. */
  policies(): LoadedPolicy[] {
    return [...this.loaded.values()].sort((a, b) => (a.file < b.file ? -1 : 1));
  }

  errors(): PolicyFileError[] {
    return [...this.failed.values()].sort((a, b) => (a.file < b.file ? -1 : 1));
  }

  /** The engine of every loaded policy as one set, or of the one named. */
  engine(name?: string): Engine | undefined {
    if (name === undefined) return this.setEngine;
    return this.engines.get(name);
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
          const s = statSync(file);
          return `${file}:${s.size}:${s.mtimeMs}`;
        } catch {
          return `${file}:gone`;
        }
      })
      .join("|");
  }

  private async load(): Promise<boolean> {
    const files = this.files();
    let changed = false;
    const present = new Set(files);
    for (const file of [...this.loaded.keys()]) {
      if (!present.has(file)) {
        this.loaded.delete(file);
        changed = true;
      }
    }
    for (const file of [...this.failed.keys()]) if (!present.has(file) && file !== SET_KEY) this.failed.delete(file);

    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        continue; // removed between listing and reading: the next reload sees it gone
      }
      const hash = contentHash(text);
      const previous = this.loaded.get(file);
      if (previous?.hash === hash) {
        this.failed.delete(file);
        continue;
      }
      const display = basename(file);
      const { policy, diagnostics } = parsePolicy(text, { file: display, format: /\.ya?ml$/.test(file) ? "yaml" : "dsl" });
      let problems = diagnostics.filter((d) => d.severity === "error");
      if (policy !== undefined && problems.length === 0) {
        try {
          compile(policy);
        } catch (error) {
          if (!(error instanceof HeedPolicyError)) throw error;
          problems = [...error.diagnostics];
        }
      }
      if (policy === undefined || problems.length > 0) {
        const shown = problems.length > 0 ? problems : [diagnostic(display, "invalid-policy", `\`${display}\` holds no policy`)];
        this.failed.set(file, { file: display, keptPrevious: previous !== undefined, diagnostics: shown });
        continue;
      }
      const clash = [...this.loaded.values()].find((p) => p.file !== display && p.name === policy.name.value);
      if (clash) {
        this.failed.set(file, {
          file: display,
          keptPrevious: previous !== undefined,
          diagnostics: [diagnostic(display, "duplicate-policy", `policy \`${policy.name.value}\` is already loaded from \`${clash.file}\``)],
        });
        continue;
      }
      this.failed.delete(file);
      this.loaded.set(file, { name: policy.name.value, file: display, hash, policy, loadedAt: this.now().toISOString() });
      changed = true;
    }
    if (changed || this.setEngine === undefined) this.rebuild();
    return changed;
  }

  private rebuild(): void {
    const policies = this.policies();
    this.engines = new Map(policies.map((p) => [p.name, compile(p.policy)]));
    this.failed.delete(SET_KEY);
    try {
      this.setEngine = policies.length === 0 ? undefined : compile(policies.map((p) => p.policy));
    } catch (error) {
      if (!(error instanceof HeedPolicyError)) throw error;
      // Each policy is fine alone but not together: keep answering with the previous set.
      this.failed.set(SET_KEY, { file: SET_KEY, keptPrevious: this.setEngine !== undefined, diagnostics: [...error.diagnostics] });
    }
  }
}

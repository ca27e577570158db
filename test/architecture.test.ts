import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(/(?:import|export)\s[^"']*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) {
    found.push(match[1] ?? match[2] ?? "");
  }
  return found;
}

describe("architecture", () => {
  it("keeps the engine pure: no node built-ins, no adapters, no clock, no randomness", () => {
    const offences: string[] = [];
    for (const file of sourceFiles(join(root, "src", "engine"))) {
      const name = relative(root, file);
      for (const spec of imports(file)) {
        if (spec.startsWith("node:") || ["fs", "path", "os", "http", "child_process", "worker_threads"].includes(spec)) {
          offences.push(`${name} imports ${spec}`);
        }
        if (spec.includes("/adapters/")) offences.push(`${name} imports an adapter: ${spec}`);
      }
      const text = readFileSync(file, "utf8");
      if (/Date\.now\(\)|new Date\(\)|Math\.random\(\)|performance\.now\(\)/.test(text)) {
        offences.push(`${name} reads the clock or randomness`);
      }
    }
    expect(offences).toEqual([]);
  });

  it("keeps the layers apart: the parser and lexer import no engine, the engine and the checks no adapter, the checks no engine or parser", () => {
    const forbidden: [string, string[]][] = [
      ["lexer", ["/engine/", "/checks/", "/parser/", "/analysis/", "/adapters/"]],
      ["parser", ["/engine/", "/analysis/", "/adapters/"]],
      ["checks", ["/engine/", "/parser/", "/lexer/", "/analysis/", "/adapters/"]],
      ["engine", ["/parser/", "/lexer/", "/analysis/", "/adapters/"]],
    ];
    const offences: string[] = [];
    for (const [dir, banned] of forbidden) {
      for (const file of sourceFiles(join(root, "src", dir))) {
        for (const spec of imports(file)) {
          const target = spec.startsWith(".") ? `/${relative(join(root, "src"), resolve(dirname(file), spec))}` : spec;
          for (const b of banned) if (target.startsWith(b)) offences.push(`${relative(root, file)} imports ${spec}`);
        }
      }
    }
    expect(offences).toEqual([]);
  });

  it("keeps module-level state out of the engine: no top-level `let`, no top-level Map, Set or array or object literal that is not frozen", () => {
    // A cache belongs to the compiled engine (its runtimes, its zone table), never to a module: two engines
    // share nothing, and a module holds only constants. Functions, classes and frozen tables are constants.
    const offences: string[] = [];
    const patterns: [RegExp, string][] = [
      [/^(?:export\s+)?(?:let|var)\s/, "a top-level `let`"],
      [/^(?:export\s+)?const\s+\w+(?:\s*:[^=]+)?=\s*new\s+(?:Map|Set|WeakMap|WeakSet|Array)\b/, "a top-level Map, Set or array"],
      [/^(?:export\s+)?const\s+\w+(?:\s*:[^=]+)?=\s*[[{]/, "a top-level literal that is not frozen (`Object.freeze`)"],
    ];
    for (const file of sourceFiles(join(root, "src", "engine"))) {
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          for (const [pattern, what] of patterns) if (pattern.test(line)) offences.push(`${relative(root, file)}:${i + 1}: ${what}`);
        });
    }
    expect(offences).toEqual([]);
  });

  it("keeps node-only code out of the parser and lexer", () => {
    const offences: string[] = [];
    for (const dir of ["parser", "lexer"]) {
      for (const file of sourceFiles(join(root, "src", dir))) {
        for (const spec of imports(file)) {
          if (spec.startsWith("node:") || spec.includes("/adapters/")) {
            offences.push(`${relative(root, file)} imports ${spec}`);
          }
        }
      }
    }
    expect(offences).toEqual([]);
  });

  it("keeps node-only code out of the `heed` and `heed/testing` entry points (everything they reach)", () => {
    const offences: string[] = [];
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of imports(file)) {
        if (spec.startsWith("node:")) offences.push(`${relative(root, file)} imports ${spec}`);
        // relative imports of modules (`./x.js`); a path quoted in a doc comment is not one
        if (/^\.\.?\/.*\.js$/.test(spec)) visit(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
      }
    };
    visit(join(root, "src", "index.ts"));
    visit(join(root, "src", "testing.ts"));
    expect(seen.size).toBeGreaterThan(20);
    expect([...seen].some((f) => f.includes(`${join("src", "adapters")}`))).toBe(false);
    expect(offences).toEqual([]);
  });
});

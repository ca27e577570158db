/**
 * The package as a registry user gets it: `npm pack` (the tarball that
 * `npm publish` would upload), installed into a fresh consumer project in a
 * temporary folder. Packages come from npm's cache where it has them
 * (`--prefer-offline`); fast-check and @types/node are pinned to the versions
 * this repository installed, so they are in the cache too. TypeScript is this
 * repository's own compiler, run on the consumer's project.
 */

import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const versionOf = (name: string): string => (JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;

/** The environment of a child npm: the parent's, without the `npm_*` variables an `npm test` run sets for its scripts. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key) && key !== "INIT_CWD") env[key] = value;
  return { ...env, NO_COLOR: "1", npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" };
}

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, encoding: "utf8", env: cleanEnv(), timeout: 240_000 });
}

/** Runs a command that must succeed; on failure the assertion shows its output. */
function ok(command: string, args: readonly string[], cwd: string): string {
  const result = run(command, args, cwd);
  expect({ command: [command, ...args].join(" "), status: result.status, stderr: result.status === 0 ? "" : `${result.stdout}${result.stderr}` }).toEqual({
    command: [command, ...args].join(" "),
    status: 0,
    stderr: "",
  });
  return result.stdout;
}

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string; size: number }[];
}

interface LsNode {
  version?: string;
  missing?: boolean;
  dependencies?: Record<string, LsNode>;
}

/** Every package `npm ls --json` shows installed, as `name@version`, walking the whole tree. */
function installed(tree: LsNode): string[] {
  const out: string[] = [];
  const walk = (node: LsNode): void => {
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
      if (child.missing !== true && child.version !== undefined) out.push(`${name}@${child.version}`);
      walk(child);
    }
  };
  walk(tree);
  return out;
}

const DRIVERS = ["pg", "@electric-sql/pglite"];

describe("the packed tarball in a fresh consumer project", () => {
  let dir: string;
  let consumer: string;
  let pack: PackResult;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "heed-package-"));
    // --ignore-scripts: `prepack` would rebuild dist/ under the other test files' feet; `npm test` built it just before.
    const packed = JSON.parse(ok("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], ROOT)) as PackResult[];
    pack = packed[0]!;
    consumer = join(dir, "consumer");
    mkdirSync(consumer);
    writeFileSync(join(consumer, "package.json"), `${JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module" }, null, 2)}\n`);
    ok("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", join(dir, pack.filename)], consumer);
  }, 300_000);

  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("ships the build, the CLI, the schemas, the README and the MIT LICENSE: no tests, no benchmark, no source map", () => {
    const paths = pack.files.map((f) => f.path).sort();
    const unexpected = paths.filter(
      (p) => !/^(package\.json|README\.md|LICENSE|bin\/heed\.js|schema\/[\w.-]+\.json|dist\/[\w/.-]+\.(js|d\.ts)|dist\/web\/[\w/.-]+\.(html|css|js|LEGAL\.txt))$/.test(p),
    );
    expect(unexpected).toEqual([]);
    expect(paths.filter((p) => /(^|\/)(test|tests|bench|__tests__)(\/|$)|\.test\.|\.map$/.test(p))).toEqual([]);
    for (const entry of ["dist/index.js", "dist/index.d.ts", "dist/testing.js", "dist/adapters/index.js", "dist/adapters/cli/main.js", "LICENSE"]) {
      expect(paths).toContain(entry);
    }
    const license = readFileSync(join(consumer, "node_modules", "heed", "LICENSE"), "utf8");
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the Heed authors\n/);
    const kB = (bytes: number): string => `${(bytes / 1000).toFixed(0)} kB`;
    // The size, for the README's note on the package (and a ceiling so a stray folder cannot slip in unnoticed);
    // most of it is the playground's static build (dist/web, with Mermaid), which `heed playground` and `heed serve` answer.
    console.log(`heed tarball: ${kB(pack.size)} packed, ${kB(pack.unpackedSize)} unpacked, ${pack.entryCount} files`);
    expect(pack.size).toBeLessThan(2_000_000);
  });

  it("installs no database driver and no fast-check for a consumer of `heed` alone (`npm ls --omit=dev`)", () => {
    const tree = JSON.parse(run("npm", ["ls", "--all", "--omit=dev", "--json"], consumer).stdout) as LsNode;
    const names = installed(tree).map((p) => p.replace(/@[^@]+$/, ""));
    expect(names).toContain("heed");
    expect(names).toContain("chevrotain");
    expect(names.filter((n) => [...DRIVERS, "fast-check"].includes(n))).toEqual([]);
    for (const name of [...DRIVERS, "fast-check"]) expect(existsSync(join(consumer, "node_modules", name)), name).toBe(false);
  });

  it("imports every entry point as ESM and `require`s them; a store without its driver names the package to install", () => {
    const script = [
      'import * as heed from "heed";',
      'import * as adapters from "heed/adapters";',
      'import { createRequire } from "node:module";',
      "const require = createRequire(import.meta.url);",
      'const { policy } = heed.parsePolicy(\'cadence "p" {\\n  channels email\\n  at most 1 email per 24 hours\\n}\\n\', { file: "p.heed" });',
      "const engine = heed.compile(policy);",
      'const d = engine.evaluate({ contact: { id: "c" }, history: [{ type: "touch", channel: "email", at: "2026-03-02T09:00:00Z" }], touch: { channel: "email" }, at: "2026-03-02T10:00:00Z" });',
      'console.log("esm", d.verdict, d.reasons[0].message);',
      'const cjs = require("heed");',
      'console.log("require", typeof cjs.compile, cjs.compile === heed.compile, typeof require("heed/adapters").createGate);',
      'const store = new adapters.MemoryStore(); console.log("memory store", typeof store.close);',
      'for (const open of [() => adapters.openPgliteStore(), () => adapters.openStore("postgres://127.0.0.1:1/none")]) {',
      "  try { await open(); console.log(\"opened\"); } catch (error) { console.log(error.message); }",
      "}",
      'try { await import("heed/testing"); console.log("testing loaded"); } catch (error) { console.log(error.code, error.message.includes("\'fast-check\'")); }',
    ].join("\n");
    writeFileSync(join(consumer, "entry.mjs"), script);
    expect(ok(process.execPath, ["entry.mjs"], consumer).trim().split("\n")).toEqual([
      "esm defer at most 1 `email` per 24 hours: 1 or more already sent in the last 24 hours",
      "require function true function",
      "memory store function",
      "the PGlite store needs the package `@electric-sql/pglite`, which is not installed: run `npm install @electric-sql/pglite`",
      "the PostgreSQL store needs the package `pg`, which is not installed: run `npm install pg`",
      "ERR_MODULE_NOT_FOUND true",
    ]);
  });

  it("runs the `heed` command installed from the tarball", () => {
    writeFileSync(join(consumer, "p.heed"), 'cadence "p" {\n  channels email\n  after 30 days move to done\n  start stage s { allow email\n  at most 1 email per 7 days\n  after 30 days move to done }\n  final stage done\n}\n');
    const result = run(join(consumer, "node_modules", ".bin", "heed"), ["check", "p.heed"], consumer);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("checked 1 policy: no problems");
    expect(result.status).toBe(0);
  });

  describe("with fast-check and @types/node installed as the consumer's dev dependencies", () => {
    beforeAll(() => {
      ok("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--save-dev", `fast-check@${versionOf("fast-check")}`, `@types/node@${versionOf("@types/node")}`], consumer);
      mkdirSync(join(consumer, "src"), { recursive: true });
      writeFileSync(
        join(consumer, "src", "pure.ts"),
        [
          'import { compile, parsePolicy, type Decision, type Policy } from "heed";',
          'import { MemoryStore, openStore, type Store } from "heed/adapters";',
          "",
          "const parsed = parsePolicy('cadence \"p\" {\\n  channels email\\n}\\n', { file: \"p.heed\" });",
          "const policy: Policy | undefined = parsed.policy;",
          "const decision: Decision = compile(policy!).evaluate({ contact: { id: \"c\" }, history: [], touch: { channel: \"email\" }, at: \"2026-03-02T10:00:00Z\" });",
          'export const verdict: "allow" | "deny" | "defer" = decision.verdict;',
          "export const open: (spec?: string) => Promise<Store> = openStore;",
          "export const memory: Store = new MemoryStore();",
          "",
        ].join("\n"),
      );
      writeFileSync(
        join(consumer, "src", "property.ts"),
        [
          'import fc from "fast-check";',
          'import { compile, parsePolicy } from "heed";',
          'import { contactArbitrary, personaArbitrary, drivePersona } from "heed/testing";',
          "",
          "const engine = compile(parsePolicy('cadence \"p\" {\\n  channels email\\n  at most 1 email per day\\n}\\n').policy!);",
          "export const checked: void = fc.assert(fc.property(contactArbitrary(), personaArbitrary(), (contact, persona) => {",
          '  const run = drivePersona(engine, persona, { contact, start: "2026-03-02T09:00:00Z", channels: ["email"], horizonDays: 3 });',
          "  return run.touches.length <= 4;",
          "}), { numRuns: 20 });",
          "",
        ].join("\n"),
      );
    }, 300_000);

    it("runs a property test through `heed/testing`", () => {
      writeFileSync(
        join(consumer, "property.mjs"),
        [
          'import fc from "fast-check";',
          'import { compile, parsePolicy } from "heed";',
          'import { contactArbitrary } from "heed/testing";',
          "const engine = compile(parsePolicy('cadence \"p\" {\\n  channels email\\n  at most 1 email per day\\n}\\n').policy);",
          "let runs = 0;",
          'fc.assert(fc.property(contactArbitrary(), (contact) => { runs++; return engine.evaluate({ contact, history: [], touch: { channel: "email" }, at: "2026-03-02T10:00:00Z" }).verdict !== "deny"; }), { numRuns: 25 });',
          'console.log("runs", runs);',
        ].join("\n"),
      );
      expect(ok(process.execPath, ["property.mjs"], consumer).trim()).toBe("runs 25");
    });

    const tsconfig = (moduleResolution: string, module: string, include: string[], skipLibCheck = false): string =>
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, skipLibCheck, target: "ES2022", lib: ["ES2022"], types: ["node"], module, moduleResolution },
        include,
      });

    it.each([
      ["nodenext", "nodenext"],
      ["bundler", "esnext"],
    ])("type-checks every entry point with skipLibCheck false under moduleResolution %s", (moduleResolution, module) => {
      const file = `tsconfig.${moduleResolution}.json`;
      writeFileSync(join(consumer, file), tsconfig(moduleResolution, module, ["src"]));
      const listed = ok(process.execPath, [TSC, "-p", file, "--listFiles"], consumer);
      for (const entry of ["index.d.ts", "testing.d.ts", "adapters/index.d.ts"]) expect(listed).toContain(join("node_modules", "heed", "dist", entry));
    });

    it("finds the types of every entry point under moduleResolution node10", () => {
      // `heed` and `heed/adapters` check with skipLibCheck false; fast-check 4's own declarations
      // import `pure-rand/types/...` through `exports`, which node10 cannot follow, so the
      // `heed/testing` program is checked with the libraries' declarations skipped.
      writeFileSync(join(consumer, "tsconfig.node10.json"), tsconfig("node10", "commonjs", ["src/pure.ts"]));
      const listed = ok(process.execPath, [TSC, "-p", "tsconfig.node10.json", "--listFiles"], consumer);
      for (const entry of ["index.d.ts", "adapters/index.d.ts"]) expect(listed).toContain(join("node_modules", "heed", "dist", entry));
      writeFileSync(join(consumer, "tsconfig.node10-testing.json"), tsconfig("node10", "commonjs", ["src/property.ts"], true));
      expect(ok(process.execPath, [TSC, "-p", "tsconfig.node10-testing.json", "--listFiles"], consumer)).toContain(join("node_modules", "heed", "dist", "testing.d.ts"));
    });

    it("is checked by tsc: a type error in the consumer's use of the API is reported", () => {
      writeFileSync(join(consumer, "src", "wrong.ts"), 'import { compile } from "heed";\nexport const engine = compile("not a policy");\n');
      try {
        const result = run(process.execPath, [TSC, "-p", "tsconfig.nodenext.json"], consumer);
        expect(result.status).not.toBe(0);
        expect(result.stdout).toMatch(/src\/wrong\.ts\(2,\d+\): error TS2345/);
      } finally {
        rmSync(join(consumer, "src", "wrong.ts"));
      }
    });
  });
});

#!/usr/bin/env node
// `npm run package:vscode`: type-checks the extension, bundles its client with
// esbuild into one file (so the .vsix needs no node_modules), stages the
// manifest, grammar, language configuration, Mermaid and the JSON schemas, and
// packs editors/vscode/heed-vscode-VERSION.vsix with @vscode/vsce.
//
// The manifest associates a schema with `*.test.yaml` files too; a schema that
// the repository does not have yet (schema/heed-test.schema.json) is left out
// of the package, with a note, and picked up as soon as it exists.

import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const extension = resolve(here, "..");
const root = resolve(extension, "../..");
const stage = join(extension, ".build");
const modules = join(root, "node_modules");

function run(what, args) {
  const result = spawnSync(process.execPath, args, { cwd: extension, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`package:vscode: ${what} failed`);
    process.exit(1);
  }
}

run("type check", [join(modules, "typescript/bin/tsc"), "-p", join(extension, "tsconfig.json")]);

rmSync(stage, { recursive: true, force: true });
mkdirSync(join(stage, "dist"), { recursive: true });
await build({
  entryPoints: [join(extension, "src/extension.ts")],
  outfile: join(stage, "dist/extension.js"),
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["vscode"],
  logLevel: "warning",
  legalComments: "none",
  minify: true,
});

cpSync(join(extension, "syntaxes"), join(stage, "syntaxes"), { recursive: true });
copyFileSync(join(extension, "language-configuration.json"), join(stage, "language-configuration.json"));
copyFileSync(join(extension, "README.md"), join(stage, "README.md"));
mkdirSync(join(stage, "media"));
copyFileSync(join(modules, "mermaid/dist/mermaid.min.js"), join(stage, "media/mermaid.min.js"));

const manifest = JSON.parse(readFileSync(join(extension, "package.json"), "utf8"));
mkdirSync(join(stage, "schemas"));
manifest.contributes.yamlValidation = manifest.contributes.yamlValidation.filter((entry) => {
  const name = entry.url.replace(/^\.\/schemas\//, "");
  const source = join(root, "schema", name);
  if (!existsSync(source)) {
    console.warn(`package:vscode: note: schema/${name} does not exist yet; ${entry.fileMatch.join(", ")} get no schema in this package`);
    return false;
  }
  copyFileSync(source, join(stage, "schemas", name));
  return true;
});
const license = join(root, "LICENSE");
if (existsSync(license)) copyFileSync(license, join(stage, "LICENSE"));
manifest.files = ["dist", "media", "schemas", "syntaxes", "language-configuration.json", "README.md", ...(existsSync(license) ? ["LICENSE"] : [])];
writeFileSync(join(stage, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);

const out = join(extension, `${manifest.name}-${manifest.version}.vsix`);
const vsce = [join(modules, "@vscode/vsce/vsce"), "package", "--no-dependencies", "--allow-missing-repository", "--out", out];
if (!existsSync(license)) vsce.push("--skip-license");
const packed = spawnSync(process.execPath, vsce, { cwd: stage, stdio: "inherit" });
if (packed.status !== 0) {
  console.error("package:vscode: vsce failed");
  process.exit(1);
}
console.log(`package:vscode: ${out}`);

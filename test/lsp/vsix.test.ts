/**
 * `npm run package:vscode` builds the VS Code extension, and the `.vsix`
 * (a zip) holds what an editor needs: the manifest, the bundled client (no
 * node_modules), the grammar, the language configuration, Mermaid for the
 * graph and the JSON schemas the manifest associates.
 */

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../cli/helpers.js";

const EXTENSION = join(ROOT, "editors/vscode");

/** The files of a zip archive by name, read from its central directory. */
function unzip(zip: Buffer): Map<string, Buffer> {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error("not a zip: no end of central directory");
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error("bad central directory entry");
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataAt, dataAt + compressed);
    files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

describe("the VS Code extension package", () => {
  let files: Map<string, Buffer>;
  let manifest: { name: string; version: string; main: string; contributes: { grammars: { path: string }[]; languages: { configuration: string }[]; yamlValidation: { fileMatch: string[]; url: string }[] } };

  beforeAll(() => {
    const run = spawnSync(process.execPath, [join(EXTENSION, "scripts/package.mjs")], { cwd: ROOT, encoding: "utf8", timeout: 300_000 });
    expect(run.stderr + run.stdout).toContain("DONE  Packaged");
    expect(run.status).toBe(0);
    const source = JSON.parse(readFileSync(join(EXTENSION, "package.json"), "utf8")) as { name: string; version: string };
    files = unzip(readFileSync(join(EXTENSION, `${source.name}-${source.version}.vsix`)));
    manifest = JSON.parse(files.get("extension/package.json")?.toString("utf8") ?? "{}") as typeof manifest;
  }, 300_000);

  it("holds the grammar, the language configuration and the client, and no node_modules", () => {
    const grammar = files.get("extension/syntaxes/heed.tmLanguage.json")?.toString("utf8");
    expect(grammar).toBe(readFileSync(join(EXTENSION, "syntaxes/heed.tmLanguage.json"), "utf8"));
    expect(manifest.contributes.grammars[0]?.path).toBe("./syntaxes/heed.tmLanguage.json");
    expect(files.has(`extension/${manifest.contributes.languages[0]?.configuration.replace("./", "")}`)).toBe(true);
    expect(files.has(`extension/${manifest.main.replace("./", "")}`)).toBe(true);
    expect([...files.keys()].filter((f) => f.includes("node_modules"))).toEqual([]);
  });

  it("bundles the client into one file that needs only `vscode` and node's own modules", () => {
    const client = files.get("extension/dist/extension.js")?.toString("utf8") ?? "";
    expect(client).toContain("heed/graph");
    // It looks for the workspace's node_modules/heed/bin/heed.js.
    expect(client).toContain('"heed.js"');
    const required = new Set([...client.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1] as string));
    const allowed = new Set(["vscode", ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    expect([...required].filter((m) => !allowed.has(m))).toEqual([]);
    expect(required.has("vscode")).toBe(true);
  });

  it("holds the policy schema the manifest associates with *.heed.yaml, as the repository has it", () => {
    const policy = manifest.contributes.yamlValidation.find((v) => v.fileMatch.includes("*.heed.yaml"));
    expect(policy?.url).toBe("./schemas/heed-policy.schema.json");
    expect(files.get("extension/schemas/heed-policy.schema.json")?.toString("utf8")).toBe(readFileSync(join(ROOT, "schema/heed-policy.schema.json"), "utf8"));
    // Every schema the packaged manifest names is in the package.
    for (const entry of manifest.contributes.yamlValidation) expect(files.has(`extension/${entry.url.replace("./", "")}`)).toBe(true);
  });

  it("holds Mermaid for the graph webview, so drawing needs no network", () => {
    const mermaid = files.get("extension/media/mermaid.min.js");
    expect(mermaid?.length).toBeGreaterThan(1_000_000);
    expect(mermaid?.toString("utf8")).toContain("stateDiagram");
  });
});

/**
 * `heed convert --to yaml` starts the YAML with an editor schema line
 * (`# yaml-language-server: $schema=...`) that resolves from where the
 * file is written: into the installed package, at a path or URL chosen
 * with `--schema-path`, or the line the input already has.
 */

import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { copyFixture, heed, ROOT, workspace } from "./helpers.js";

/** The target of a text's first line, which must be a schema line. */
function schemaTarget(text: string): string {
  const first = text.split("\n")[0] ?? "";
  const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
  if (match === null) throw new Error(`no schema line: \`${first}\``);
  return match[1]!;
}

/** A user's project: `node_modules/heed` is the package (linked, as `npm link` or a workspace installs it), the policy in `policies/`. */
function project(): string {
  const dir = workspace();
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules", "heed"), "dir");
  copyFixture(dir, "inbound.heed", "policies/inbound.heed");
  return dir;
}

describe("heed convert --to yaml: the schema line", () => {
  it("points into the installed package from the output's folder, and the file it names is the policy schema", () => {
    const dir = project();
    const toStdout = heed(["convert", "inbound.heed", "--to", "yaml"], join(dir, "policies"));
    expect(toStdout.code).toBe(0);
    expect(schemaTarget(toStdout.stdout)).toBe("../node_modules/heed/schema/heed-policy.schema.json");

    const deeper = heed(["convert", "policies/inbound.heed", "--to", "yaml", "-o", "config/cadences/inbound.heed.yaml"], dir);
    expect(deeper.code).toBe(0);
    expect(deeper.stderr).toBe("wrote config/cadences/inbound.heed.yaml\n");
    const written = join(dir, "config/cadences/inbound.heed.yaml");
    const target = schemaTarget(readFileSync(written, "utf8"));
    expect(target).toBe("../../node_modules/heed/schema/heed-policy.schema.json");
    expect(readFileSync(resolve(dirname(written), target), "utf8")).toBe(readFileSync(join(ROOT, "schema/heed-policy.schema.json"), "utf8"));
    expect(heed(["check", "config/cadences/inbound.heed.yaml"], dir).code).toBe(0);
  });

  it("inside the heed package itself, names its own `schema/` as the examples do", () => {
    const run = heed(["convert", "examples/inbound.heed", "--to", "yaml"], ROOT);
    expect(run.code).toBe(0);
    expect(schemaTarget(run.stdout)).toBe("../schema/heed-policy.schema.json");
  });

  it("with no installed package, names the running copy by its absolute path and says so", () => {
    const dir = workspace();
    copyFixture(dir, "inbound.heed");
    const run = heed(["convert", "inbound.heed", "--to", "yaml"], dir);
    expect(run.code).toBe(0);
    const target = schemaTarget(run.stdout);
    expect(target).toBe(join(ROOT, "schema/heed-policy.schema.json"));
    expect(existsSync(target)).toBe(true);
    expect(run.stderr).toContain("note: no `node_modules/heed` in or above");
    expect(run.stderr).toContain("choose another with `--schema-path`");
  });

  it("--schema-path: a path from the current folder made relative to the output's folder; a URL as it is", () => {
    const dir = project();
    const path = heed(["convert", "policies/inbound.heed", "--to", "yaml", "-o", "out/a/inbound.heed.yaml", "--schema-path", "tools/heed-policy.schema.json"], dir);
    expect(path.code).toBe(0);
    expect(schemaTarget(readFileSync(join(dir, "out/a/inbound.heed.yaml"), "utf8"))).toBe("../../tools/heed-policy.schema.json");

    const url = "https://example.com/schemas/heed-policy.schema.json";
    const run = heed(["convert", "inbound.heed", "--to", "yaml", "--schema-path", url], join(dir, "policies"));
    expect(run.code).toBe(0);
    expect(schemaTarget(run.stdout)).toBe(url);
  });

  it("refuses --schema-path with --to dsl, or empty (exit 2); an output it cannot write is named", () => {
    const dir = project();
    const dsl = heed(["convert", "policies/inbound.heed", "--to", "dsl", "--schema-path", "x.json"], dir);
    expect(dsl.code).toBe(2);
    expect(dsl.stderr).toContain("`--schema-path` goes with `--to yaml`: a DSL policy has no schema line");
    const empty = heed(["convert", "policies/inbound.heed", "--to", "yaml", "--schema-path", ""], dir);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("option `--schema-path` expects a path or a URL");
    const folder = heed(["convert", "policies/inbound.heed", "--to", "yaml", "-o", "policies"], dir);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain("cannot write `policies`: it is a folder");
    expect(folder.stderr).not.toContain("internal error");
  });
});

describe("heed convert keeps the schema line a file already has", () => {
  const CUSTOM = "# yaml-language-server: $schema=../shared/schemas/heed.json";

  it("YAML to YAML: the same line in the same folder, pointing at the same file from another", () => {
    const dir = project();
    const yaml = heed(["convert", "inbound.heed", "--to", "yaml"], join(dir, "policies"));
    const text = yaml.stdout.replace(/^.*\n/, `${CUSTOM}\n`);
    writeFileSync(join(dir, "policies/custom.heed.yaml"), text);

    const same = heed(["convert", "custom.heed.yaml", "--to", "yaml"], join(dir, "policies"));
    expect(same.code).toBe(0);
    expect(same.stdout).toBe(text);
    const moved = heed(["convert", "policies/custom.heed.yaml", "--to", "yaml", "-o", "policies/team/custom.heed.yaml"], dir);
    expect(moved.code).toBe(0);
    expect(schemaTarget(readFileSync(join(dir, "policies/team/custom.heed.yaml"), "utf8"))).toBe("../../shared/schemas/heed.json");
    // --schema-path is the user's word over the line the file has.
    const chosen = heed(["convert", "custom.heed.yaml", "--to", "yaml", "--schema-path", "../other.json"], join(dir, "policies"));
    expect(schemaTarget(chosen.stdout)).toBe("../other.json");
  });

  it("YAML to DSL and back: a line of the user's own travels as a comment; the default one is not written into the DSL", () => {
    const dir = project();
    const policies = join(dir, "policies");
    const yaml = heed(["convert", "inbound.heed", "--to", "yaml"], policies).stdout;
    writeFileSync(join(policies, "default.heed.yaml"), yaml);
    writeFileSync(join(policies, "custom.heed.yaml"), yaml.replace(/^.*\n/, `${CUSTOM}\n`));

    const plain = heed(["convert", "default.heed.yaml", "--to", "dsl"], policies);
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain("yaml-language-server");

    const dsl = heed(["convert", "custom.heed.yaml", "--to", "dsl", "-o", "custom.heed"], policies);
    expect(dsl.code).toBe(0);
    const dslText = readFileSync(join(policies, "custom.heed"), "utf8");
    expect(dslText.split("\n")[0]).toBe(CUSTOM);
    expect(heed(["check", "custom.heed"], policies).code).toBe(0);
    const back = heed(["convert", "custom.heed", "--to", "yaml"], policies);
    expect(back.code).toBe(0);
    expect(back.stdout.split("\n")[0]).toBe(CUSTOM);
    expect(back.stdout.match(/yaml-language-server/g)).toHaveLength(1);
  });
});

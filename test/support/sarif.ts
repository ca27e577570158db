/**
 * Checks of the `sarif` format: the SARIF 2.1.0 JSON schema, the rules
 * GitHub code scanning applies when it ingests a log, and Microsoft's SARIF
 * multitool (the official validator) with its SARIF and GitHub rule sets.
 */

import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";

/** The official SARIF 2.1.0 schema (draft-04, `sarif-2.1.0-rtm.5.schema.json` beside this file, as OASIS published it), read with ajv's draft-07 dialect (its `language` pattern is not valid as a unicode regex). */
export function sarifValidator() {
  const path = new URL("./sarif-2.1.0-rtm.5.schema.json", import.meta.url);
  const { id, $schema: _draft, ...schema } = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv.compile({ ...schema, $id: String(id) });
}

interface Rule {
  id?: string;
  name?: string;
  shortDescription?: { text?: string };
  fullDescription?: { text?: string };
  help?: { text?: string; markdown?: string };
  helpUri?: string;
  defaultConfiguration?: { level?: string };
}

interface Result {
  ruleId?: string;
  ruleIndex?: number;
  message?: { text?: string };
  locations?: {
    physicalLocation?: {
      artifactLocation?: { uri?: string; uriBaseId?: string };
      region?: { startLine?: number; startColumn?: number; endLine?: number; endColumn?: number };
    };
  }[];
}

interface Run {
  tool?: { driver?: { name?: string; version?: string; semanticVersion?: string; informationUri?: string; rules?: Rule[] } };
  originalUriBaseIds?: Record<string, { uri?: string }>;
  automationDetails?: { id?: string };
  results?: Result[];
}

const ABSOLUTE_URI = /^[a-z][a-z0-9+.-]*:/i;

/**
 * What GitHub code scanning would refuse or show badly in a log, as
 * messages (empty when none): every rule has a name, short and full
 * descriptions, help in text and Markdown and an absolute `helpUri`; the
 * driver has `informationUri` and a semantic version; every result has a
 * rule, a message and a location whose URI is relative to a declared base
 * (`%SRCROOT%`), with no `..`, no backslash and no absolute path; and no
 * string outside `originalUriBaseIds` holds one of `forbidden` (the
 * machine's own folders).
 */
export function githubIngestionProblems(log: unknown, forbidden: readonly string[] = []): string[] {
  const problems: string[] = [];
  const runs = (log as { runs?: Run[] }).runs ?? [];
  if (runs.length === 0) problems.push("no run");
  runs.forEach((run, r) => {
    const driver = run.tool?.driver;
    if (driver?.name === undefined) problems.push(`runs[${r}]: the driver has no name`);
    if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(driver?.semanticVersion ?? "")) problems.push(`runs[${r}]: the driver has no semantic version`);
    if (!/^https:\/\//.test(driver?.informationUri ?? "")) problems.push(`runs[${r}]: the driver has no https informationUri`);
    const rules = driver?.rules ?? [];
    rules.forEach((rule, i) => {
      const where = `runs[${r}].rules[${i}] (${rule.id ?? "?"})`;
      for (const [field, value] of [
        ["id", rule.id],
        ["name", rule.name],
        ["shortDescription", rule.shortDescription?.text],
        ["fullDescription", rule.fullDescription?.text],
        ["help.text", rule.help?.text],
        ["help.markdown", rule.help?.markdown],
        ["defaultConfiguration.level", rule.defaultConfiguration?.level],
      ] as const) {
        if (value === undefined || value.trim() === "") problems.push(`${where}: no ${field}`);
      }
      if (!/^https:\/\/[^#\s]+#[\w-]+$/.test(rule.helpUri ?? "")) problems.push(`${where}: no helpUri with an anchor`);
    });
    const bases = run.originalUriBaseIds ?? {};
    for (const [name, base] of Object.entries(bases)) {
      if (!/^file:\/\/.*\/$/.test(base.uri ?? "")) problems.push(`runs[${r}].originalUriBaseIds.${name}: not an absolute file URI ending with /`);
    }
    (run.results ?? []).forEach((result, i) => {
      const where = `runs[${r}].results[${i}]`;
      const rule = result.ruleIndex === undefined ? undefined : rules[result.ruleIndex];
      if (result.ruleId === undefined || rule?.id !== result.ruleId) problems.push(`${where}: ruleIndex does not point at rule \`${result.ruleId}\``);
      if ((result.message?.text ?? "").trim() === "") problems.push(`${where}: no message`);
      const location = result.locations?.[0]?.physicalLocation;
      const uri = location?.artifactLocation?.uri;
      if (uri === undefined) {
        problems.push(`${where}: no location`);
        return;
      }
      if (ABSOLUTE_URI.test(uri) || uri.startsWith("/") || /(^|\/)\.\.(\/|$)/.test(uri) || uri.includes("\\")) problems.push(`${where}: location \`${uri}\` is not relative to the repository`);
      const baseId = location?.artifactLocation?.uriBaseId;
      if (baseId === undefined || bases[baseId] === undefined) problems.push(`${where}: location \`${uri}\` has no declared uriBaseId`);
      const region = location?.region;
      if (region !== undefined) {
        const { startLine = 0, startColumn = 1, endLine = startLine, endColumn = startColumn + 1 } = region;
        if (startLine < 1 || startColumn < 1 || endLine < startLine || (endLine === startLine && endColumn <= startColumn)) {
          problems.push(`${where}: region ${JSON.stringify(region)} is empty or inverted`);
        }
      }
    });
  });
  const strings: string[] = [];
  const collect = (value: unknown, path: string): void => {
    if (path.endsWith(".originalUriBaseIds")) return;
    if (typeof value === "string") strings.push(value);
    else if (Array.isArray(value)) value.forEach((v, i) => collect(v, `${path}[${i}]`));
    else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) collect(v, `${path}.${k}`);
  };
  collect(log, "$");
  for (const folder of forbidden) {
    const found = strings.find((s) => s.includes(folder));
    if (found !== undefined) problems.push(`an absolute path (\`${folder}\`) in \`${found.slice(0, 120)}\``);
  }
  return problems;
}

/** One finding of the SARIF multitool. */
export interface MultitoolFinding {
  rule: string;
  level: string;
  message: string;
}

/** The SARIF multitool's executable for this platform (from @microsoft/sarif-multitool's platform package). */
function multitoolPath(): string {
  const require = createRequire(import.meta.url);
  const platform = process.platform === "win32" ? "win32" : process.platform === "darwin" ? "darwin" : "linux";
  const manifest = require.resolve(`@microsoft/sarif-multitool-${platform}/package.json`);
  return join(dirname(manifest), platform === "win32" ? "Sarif.Multitool.exe" : "Sarif.Multitool");
}

/**
 * Validates SARIF files with Microsoft's SARIF multitool (`validate`, the
 * SARIF and GitHub rule sets: the checks GitHub's own ingestion documents),
 * returning its findings. Throws when the tool cannot run.
 */
export function multitoolFindings(files: readonly string[], output: string): MultitoolFinding[] {
  const run = spawnSync(multitoolPath(), ["validate", ...files, "--output", output, "--rule-kind", "Sarif;Gh", "--log", "ForceOverwrite"], {
    encoding: "utf8",
    timeout: 120_000,
    // .NET without ICU on minimal machines
    env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: "1" },
  });
  if (run.error !== undefined || !/Analysis completed successfully/.test(run.stdout)) {
    throw new Error(`the SARIF multitool did not run: ${run.error?.message ?? ""}${run.stdout}${run.stderr}`);
  }
  const report = JSON.parse(readFileSync(output, "utf8")) as {
    runs: { results?: { ruleId: string; level?: string; message: { text?: string; id?: string; arguments?: string[] } }[] }[];
  };
  return report.runs.flatMap((r) =>
    (r.results ?? []).map((result) => ({
      rule: result.ruleId,
      level: result.level ?? "warning",
      message: result.message.text ?? `${result.message.id ?? ""} ${(result.message.arguments ?? []).join(" | ")}`,
    })),
  );
}

/** Writes a log to a file, for the multitool. */
export function writeLog(file: string, log: unknown): string {
  writeFileSync(file, `${JSON.stringify(log, null, 2)}\n`);
  return file;
}

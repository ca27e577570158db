/**
 * SARIF 2.1.0, the format code-scanning tools read: one run whose tool
 * driver is `heed`, one rule per diagnostic code with its help (meaning, an
 * example fix, a link into the language reference), one result per
 * diagnostic, located relative to the repository root (`%SRCROOT%`).
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Diagnostic } from "../../diagnostics.js";
import { codeAnchor, codeHelp, type CodeHelp } from "./codes.js";
import { pathFromRoot, type ReportBase } from "./paths.js";

/** The SARIF log (only the parts Heed fills in). */
export interface SarifLog {
  $schema: string;
  version: "2.1.0";
  runs: SarifRun[];
}

interface SarifRun {
  tool: {
    driver: {
      name: string;
      fullName: string;
      version: string;
      semanticVersion: string;
      informationUri: string;
      rules: SarifRule[];
    };
  };
  automationDetails?: { id: string };
  originalUriBaseIds?: Record<string, { uri: string; description: { text: string } }>;
  columnKind: "utf16CodeUnits";
  results: SarifResult[];
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri: string;
  defaultConfiguration: { level: "error" | "warning" };
  properties: { tags: string[] };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: "error" | "warning";
  message: { text: string };
  locations?: {
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId?: string };
      region?: { startLine: number; startColumn: number; endLine: number; endColumn: number };
    };
  }[];
}

/** The base id locations are relative to: the repository's root, as code scanning expects. */
export const SRCROOT = "%SRCROOT%";

interface Manifest {
  version: string;
  homepage: string;
}

/** The package's version and home page (from `package.json`, three folders up from here in `src/` and in `dist/`). */
function manifest(): Manifest {
  const fallback: Manifest = { version: "0.0.0", homepage: "https://heed.dev" };
  try {
    const read = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version?: unknown; homepage?: unknown };
    return {
      version: typeof read.version === "string" ? read.version : fallback.version,
      homepage: typeof read.homepage === "string" ? read.homepage : fallback.homepage,
    };
  } catch {
    return fallback;
  }
}

const MANIFEST = manifest();

/** The package's version. */
export const HEED_VERSION: string = MANIFEST.version;

/** The language reference, whose table of diagnostic codes the rules' `helpUri`s point into. */
export const LANGUAGE_REFERENCE: string = new URL("docs/language.md", `${MANIFEST.homepage.replace(/\/$/, "")}/`).href;

/** A file path as a relative URI reference (forward slashes, spaces and the like escaped). */
export function toUri(file: string): string {
  return file
    .split(/[\\/]/)
    .map((part) => encodeURIComponent(part))
    .join("/");
}

/** Options of {@link sarifLog}. */
export interface SarifOptions {
  /** Resolve locations against the repository root (`%SRCROOT%`); without it, URIs are the files as named. */
  base?: ReportBase;
  /** The run's category (`check`, `test`, `diff`), so that several of Heed's logs can be uploaded side by side. */
  category?: string;
}

/** `unknown-stage` as SARIF wants a rule's name: `UnknownStage`. */
function ruleName(code: string): string {
  return code
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== "")
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return `${trimmed[0]?.toUpperCase() ?? ""}${trimmed.slice(1)}${/[.!?]$/.test(trimmed) ? "" : "."}`;
}

/** The help of a code Heed has no entry for (a newer code, a code from a caller's own diagnostics). */
function unknownHelp(code: string, severity: CodeHelp["severity"]): CodeHelp {
  return {
    code,
    severity,
    group: "tools",
    summary: `heed \`${code}\``,
    meaning: `A diagnostic of Heed with the code \`${code}\`; its message says what is wrong and where.`,
    fix: "Follow the message and its hint; the language reference lists the diagnostic codes.",
  };
}

/** A rule of the log: the code's help in SARIF's shape. */
export function sarifRule(code: string, severity: CodeHelp["severity"] = "error"): SarifRule {
  const help = codeHelp(code) ?? unknownHelp(code, severity);
  const helpUri = `${LANGUAGE_REFERENCE}#${codeAnchor(code)}`;
  const language = help.example?.language ?? "heed";
  const text = [help.meaning, "", `Fix: ${help.fix}`];
  const markdown = [help.meaning, "", `**Fix:** ${help.fix}`];
  if (help.example !== undefined) {
    text.push("", "Example:", `  ${help.example.before}`, "fixed:", `  ${help.example.after}`);
    markdown.push("", "**Example**", "", `\`\`\`${language}`, help.example.before, "```", "", "fixed:", "", `\`\`\`${language}`, help.example.after, "```");
  }
  text.push("", `See ${helpUri}`);
  markdown.push("", `[\`${code}\` in the language reference](${helpUri})`);
  return {
    id: code,
    name: ruleName(code),
    shortDescription: { text: sentence(help.summary) },
    fullDescription: { text: help.meaning },
    help: { text: text.join("\n"), markdown: markdown.join("\n") },
    helpUri,
    defaultConfiguration: { level: help.severity },
    properties: { tags: ["heed", help.group] },
  };
}

type PhysicalLocation = NonNullable<SarifResult["locations"]>[number]["physicalLocation"];

/** Where a file is for code scanning: relative to `%SRCROOT%`, or an absolute `file:` URI outside the root. */
function artifactLocation(file: string, base: ReportBase | undefined): PhysicalLocation["artifactLocation"] {
  if (base === undefined) return { uri: toUri(file) };
  const fromRoot = pathFromRoot(file, base);
  if (fromRoot === undefined) return { uri: pathToFileURL(resolve(base.cwd, file)).href };
  return { uri: toUri(fromRoot), uriBaseId: SRCROOT };
}

/** The SARIF log of a list of diagnostics. */
export function sarifLog(diagnostics: readonly Diagnostic[], options: SarifOptions = {}): SarifLog {
  const codes = [...new Set(diagnostics.map((d) => d.code))].sort();
  const rules = codes.map((code) => sarifRule(code, diagnostics.find((d) => d.code === code)?.severity));
  const results = diagnostics.map((d): SarifResult => {
    const result: SarifResult = {
      ruleId: d.code,
      ruleIndex: codes.indexOf(d.code),
      level: d.severity,
      message: { text: d.hint === undefined ? d.message : `${d.message} (hint: ${d.hint})` },
    };
    const file = d.span?.file;
    if (file !== undefined) {
      const physicalLocation: PhysicalLocation = { artifactLocation: artifactLocation(file, options.base) };
      if (d.span !== undefined) {
        // SARIF's endColumn is exclusive; a span's is inclusive.
        physicalLocation.region = {
          startLine: d.span.line,
          startColumn: d.span.column,
          endLine: d.span.endLine,
          endColumn: d.span.endColumn + 1,
        };
      }
      result.locations = [{ physicalLocation }];
    }
    return result;
  });
  const driver: SarifRun["tool"]["driver"] = {
    name: "heed",
    fullName: "Heed cadence policy checks",
    version: HEED_VERSION,
    semanticVersion: HEED_VERSION,
    informationUri: MANIFEST.homepage,
    rules,
  };
  const run: SarifRun = {
    tool: { driver },
    ...(options.category === undefined ? {} : { automationDetails: { id: `heed/${options.category}/` } }),
    ...(options.base === undefined
      ? {}
      : {
          originalUriBaseIds: {
            [SRCROOT]: {
              uri: pathToFileURL(`${options.base.root.replace(/[\\/]$/, "")}/`).href,
              description: { text: "The root of the repository the policies are in." },
            },
          },
        }),
    columnKind: "utf16CodeUnits",
    results,
  };
  return { $schema: "https://json.schemastore.org/sarif-2.1.0.json", version: "2.1.0", runs: [run] };
}

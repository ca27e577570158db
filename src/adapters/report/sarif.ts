/**
 * SARIF 2.1.0, the format code-scanning tools read: one run whose tool
 * driver is `heed`, one rule per diagnostic code, one result per diagnostic.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import type { Diagnostic } from "../../diagnostics.js";

/** The SARIF log (only the parts Heed fills in). */
export interface SarifLog {
  $schema: string;
  version: "2.1.0";
  runs: SarifRun[];
}

interface SarifRun {
  tool: { driver: { name: string; version: string; rules: SarifRule[] } };
  results: SarifResult[];
}

interface SarifRule {
  id: string;
  shortDescription: { text: string };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: "error" | "warning";
  message: { text: string };
  locations?: {
    physicalLocation: {
      artifactLocation: { uri: string };
      region?: { startLine: number; startColumn: number; endLine: number; endColumn: number };
    };
  }[];
}

/** The package's version (from `package.json`, three folders up from here in `src/` and in `dist/`). */
export const HEED_VERSION: string = packageVersion();

function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return typeof manifest.version === "string" ? manifest.version : "0.0.0";
  } catch {
    return "0.0.0";
  }
}

/** A file path as a relative URI reference (forward slashes, spaces and the like escaped). */
export function toUri(file: string): string {
  return file
    .split(/[\\/]/)
    .map((part) => encodeURIComponent(part))
    .join("/");
}

/** The SARIF log of a list of diagnostics. */
export function sarifLog(diagnostics: readonly Diagnostic[], fallbackFile?: string): SarifLog {
  const codes = [...new Set(diagnostics.map((d) => d.code))].sort();
  const rules: SarifRule[] = codes.map((code) => ({ id: code, shortDescription: { text: `heed ${code}` } }));
  const results = diagnostics.map((d): SarifResult => {
    const result: SarifResult = {
      ruleId: d.code,
      ruleIndex: codes.indexOf(d.code),
      level: d.severity,
      message: { text: d.hint === undefined ? d.message : `${d.message} (hint: ${d.hint})` },
    };
    const file = d.span?.file ?? fallbackFile;
    if (file !== undefined) {
      const physicalLocation: NonNullable<SarifResult["locations"]>[number]["physicalLocation"] = { artifactLocation: { uri: toUri(file) } };
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
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "heed", version: HEED_VERSION, rules } }, results }],
  };
}

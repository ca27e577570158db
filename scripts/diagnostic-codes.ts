/**
 * The table of diagnostic codes in `docs/language.md`, written from the
 * catalogue the SARIF report uses (`src/adapters/report/codes.ts`), so the
 * two never disagree:
 *
 *   npx tsx scripts/diagnostic-codes.ts          # rewrite the section in docs/language.md
 *   npx tsx scripts/diagnostic-codes.ts --check  # exit 1 when it is out of date
 *
 * The section sits between the markers {@link BEGIN} and {@link END}.
 */

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CODE_GROUPS, CODES, codeAnchor, type CodeHelp } from "../src/adapters/report/codes.js";

/** The line before the generated section. */
export const BEGIN = "<!-- diagnostic codes: generated from src/adapters/report/codes.ts by `npm run docs:codes`; edit the catalogue, not this table -->";
/** The line after it. */
export const END = "<!-- end of diagnostic codes -->";

/** The language reference's path. */
export const LANGUAGE_MD = join(fileURLToPath(new URL("..", import.meta.url)), "docs", "language.md");

/** Text for a table cell: `|` escaped, no line breaks. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** A line of code in a cell: in backticks (doubled when it holds one). */
function code(text: string): string {
  return text.includes("`") ? `\`\` ${cell(text)} \`\`` : `\`${cell(text)}\``;
}

function row(c: CodeHelp): string {
  const name = `<a id="${codeAnchor(c.code)}"></a>\`${c.code}\`${c.severity === "warning" ? " (warning)" : ""}`;
  const example = c.example === undefined ? "" : `<br>${code(c.example.before)} → ${code(c.example.after)}`;
  return `| ${name} | ${cell(c.meaning)} | ${cell(c.fix)}${example} |`;
}

/** The generated section, markers included. */
export function codesSection(): string {
  const lines = [BEGIN, ""];
  for (const { group, title } of CODE_GROUPS) {
    lines.push(`### ${title}`, "", "| code | what it means | how to fix it, with an example |", "|---|---|---|");
    for (const c of CODES.filter((entry) => entry.group === group)) lines.push(row(c));
    lines.push("");
  }
  lines.push(END);
  return lines.join("\n");
}

/** The language reference with its section replaced by a fresh one. */
export function withCodesSection(text: string): string {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/language.md has no section between \`${BEGIN}\` and \`${END}\``);
  return `${text.slice(0, start)}${codesSection()}${text.slice(end + END.length)}`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const current = readFileSync(LANGUAGE_MD, "utf8");
  const fresh = withCodesSection(current);
  if (process.argv.includes("--check")) {
    if (fresh !== current) {
      process.stderr.write("docs/language.md: the table of diagnostic codes is out of date (run `npm run docs:codes`)\n");
      process.exitCode = 1;
    }
  } else if (fresh !== current) {
    writeFileSync(LANGUAGE_MD, fresh);
    process.stdout.write("docs/language.md: table of diagnostic codes rewritten\n");
  }
}

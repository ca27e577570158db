/**
 * The policies the page can open: the files of `examples/` (bundled at
 * build time), and the policies the page was served with (`heed serve`,
 * read-only; `heed playground`, the local files named) with their test
 * cases, which load a contact and a history into the workbench.
 *
 * @module
 */

import { EXAMPLE_FILES } from "heed:examples";
import { parse as parseYaml } from "yaml";
import type { HistoryEvent } from "../../src/index.js";
import type { AttributeEntry, TextFormat } from "./state.js";

/** A policy the page can open. */
export interface PolicySource {
  /** A key for the menu (`example:inbound.heed`). */
  key: string;
  file: string;
  text: string;
  format: TextFormat;
  kind: "example" | "served" | "local";
  /** Served policies are shown read-only. */
  readOnly: boolean;
}

/** One case of a policy test file, as the workbench loads it. */
export interface TestCase {
  name: string;
  timezone: string;
  account: string;
  attributes: AttributeEntry[];
  history: HistoryEvent[];
  at: string;
  channel?: string;
}

/** What a server put in the page (`<script type="application/json" id="heed-served">`). */
interface ServedConfig {
  mode: "serve" | "local";
  policies: { file: string; text: string }[];
  tests?: { file: string; text: string }[];
}

function formatOf(file: string): TextFormat {
  return /\.ya?ml$/i.test(file) ? "yaml" : "dsl";
}

function servedConfig(): ServedConfig | undefined {
  const node = document.getElementById("heed-served");
  if (node === null || (node.textContent ?? "").trim() === "") return undefined;
  try {
    const value = JSON.parse(node.textContent ?? "") as ServedConfig;
    return Array.isArray(value.policies) ? value : undefined;
  } catch {
    return undefined;
  }
}

const isPolicy = (file: string): boolean => /\.heed$|\.heed\.ya?ml$/.test(file) && !/\.test\.ya?ml$/.test(file);

/** Every policy the page can open: served or local ones first, then the examples. */
export function policySources(): PolicySource[] {
  const served = servedConfig();
  const own: PolicySource[] = (served?.policies ?? []).map((p) => ({
    key: `${served?.mode === "serve" ? "served" : "local"}:${p.file}`,
    file: p.file,
    text: p.text,
    format: formatOf(p.file),
    kind: served?.mode === "serve" ? "served" : "local",
    readOnly: served?.mode === "serve",
  }));
  const examples: PolicySource[] = EXAMPLE_FILES.filter((f) => isPolicy(f.file)).map((f) => ({
    key: `example:${f.file}`,
    file: f.file,
    text: f.text,
    format: formatOf(f.file),
    kind: "example",
    readOnly: false,
  }));
  return [...own, ...examples];
}

/** Whether the page was served with policies (`heed serve`) or local files (`heed playground`). */
export function servedMode(): ServedConfig["mode"] | undefined {
  return servedConfig()?.mode;
}

function attributeEntries(attributes: unknown): AttributeEntry[] {
  if (typeof attributes !== "object" || attributes === null) return [];
  return Object.entries(attributes as Record<string, unknown>).map(([name, value]) => {
    if (typeof value === "boolean") return { name, type: "boolean", value: String(value) };
    if (typeof value === "number") return { name, type: "number", value: String(value) };
    if (Array.isArray(value)) return { name, type: "list", value: value.map(String).join(", ") };
    return { name, type: "string", value: String(value) };
  });
}

/** The cases of the test files that name `file` as their (only) policy. */
export function testCasesFor(file: string): TestCase[] {
  const served = servedConfig();
  const files = [...(served?.tests ?? []), ...EXAMPLE_FILES.filter((f) => /\.test\.ya?ml$/.test(f.file))];
  const cases: TestCase[] = [];
  for (const test of files) {
    let doc: unknown;
    try {
      doc = parseYaml(test.text);
    } catch {
      continue;
    }
    const record = doc as { policy?: unknown; cases?: unknown };
    if (record?.policy !== file || !Array.isArray(record.cases)) continue;
    for (const c of record.cases as Record<string, unknown>[]) {
      if (typeof c?.at !== "string" || typeof c.contact !== "object" || c.contact === null) continue;
      const contact = c.contact as Record<string, unknown>;
      const touch = c.touch as Record<string, unknown> | undefined;
      cases.push({
        name: String(c.name ?? "case"),
        timezone: typeof contact.timezone === "string" ? contact.timezone : "",
        account: typeof contact.account === "string" ? contact.account : "",
        attributes: attributeEntries(contact.attributes),
        history: Array.isArray(c.history) ? (c.history as HistoryEvent[]) : [],
        at: c.at,
        ...(typeof touch?.channel === "string" ? { channel: touch.channel } : {}),
      });
    }
  }
  return cases;
}

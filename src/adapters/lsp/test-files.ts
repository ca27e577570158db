/**
 * The places in policy test files (`*.test.yaml`) that name a policy's
 * stages, rules and channels, so that find references and rename reach
 * them: a case's `expect: { stage, rules }`, its `touch: { channel }` and
 * the `channel` of the touches in its `history` and `account`.
 *
 * Only test files of this one policy are read (`policy: this.heed`, or a
 * list of just this file): in a test of a policy set, a rule id or stage
 * may belong to another member.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from "yaml";
import type { Range } from "vscode-languageserver/node";
import { discoverFiles, isTestFile } from "../files.js";
import type { NameKind } from "./document.js";

/** One place a test file names a stage, rule or channel. */
export interface TestFileReference {
  /** The test file. */
  path: string;
  kind: NameKind;
  name: string;
  /** The name itself (inside quotes, when quoted). */
  range: Range;
}

/**
 * The references to a policy's names in the test files under `root`. `read`
 * gives a file's text (an editor's unsaved text first); `undefined` skips it.
 */
export function testFileReferences(root: string, policyPath: string, read: (path: string) => string | undefined): TestFileReference[] {
  let files: string[];
  try {
    files = discoverFiles([root], root, isTestFile).map((f) => resolve(root, f));
  } catch {
    // A folder that cannot be searched leaves references to the open files.
    return [];
  }
  const out: TestFileReference[] = [];
  for (const path of files) {
    const text = read(path);
    if (text !== undefined) out.push(...referencesIn(path, text, policyPath));
  }
  return out;
}

/** Reads a file from disk, or `undefined`. */
export function readFromDisk(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function referencesIn(path: string, text: string, policyPath: string): TestFileReference[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const root = doc.contents;
  if (!isMap(root)) return [];
  const policy = root.get("policy", true);
  const named = isSeq(policy) && policy.items.length === 1 ? policy.items[0] : policy;
  if (!isScalar(named) || typeof named.value !== "string" || resolve(dirname(path), named.value) !== policyPath) return [];
  const out: TestFileReference[] = [];
  const add = (kind: NameKind, node: unknown): void => {
    if (!isScalar(node) || typeof node.value !== "string" || node.range === undefined || node.range === null) return;
    const [from, to] = node.range;
    const at = text.slice(from, to).indexOf(node.value);
    if (at < 0) return;
    const start = lineCounter.linePos(from + at);
    const end = lineCounter.linePos(from + at + node.value.length);
    out.push({
      path,
      kind,
      name: node.value,
      range: { start: { line: start.line - 1, character: start.col - 1 }, end: { line: end.line - 1, character: end.col - 1 } },
    });
  };
  const touches = (list: unknown): void => {
    if (!isSeq(list)) return;
    for (const event of list.items) {
      if (!isMap(event)) continue;
      const type = event.get("type");
      if (type === undefined || type === "touch") add("channel", event.get("channel", true));
    }
  };
  const cases = root.get("cases", true);
  if (!isSeq(cases)) return out;
  for (const item of cases.items) {
    if (!isMap(item)) continue;
    const expect = item.get("expect", true) as YamlNode | undefined;
    if (isMap(expect)) {
      add("stage", expect.get("stage", true));
      const rules = expect.get("rules", true);
      if (isSeq(rules)) for (const rule of rules.items) add("rule", rule);
    }
    const touch = item.get("touch", true);
    if (isMap(touch)) add("channel", touch.get("channel", true));
    touches(item.get("history", true));
    touches(item.get("account", true));
  }
  return out;
}

/** The README's policy is a real one: it parses, is formatted, and says what the README says it does. */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { analyzePolicy, analyzeSilentContact, describeSilentContact, formatPolicy, parsePolicy } from "../src/index.js";

const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");

describe("README", () => {
  const block = /## A policy\n\n```\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";

  it("shows a policy that checks clean and is in canonical layout", () => {
    const { policy, diagnostics } = parsePolicy(block, { file: "README.md" });
    expect(diagnostics).toEqual([]);
    expect(analyzePolicy(policy!)).toEqual([]);
    expect(formatPolicy(policy!)).toBe(block);
  });

  it("quotes the silent-contact path heed check prints for it", () => {
    const { policy } = parsePolicy(block, { file: "README.md" });
    const said = describeSilentContact(analyzeSilentContact(policy!));
    expect(readme.replace(/\s+/g, " ")).toContain(`\`heed check\` on it says: *${said}*`);
  });

  it("starts with the two commands of a fresh clone: the examples, then the tests", () => {
    const first = /```sh\n(.*)\n(.*)\n```/.exec(readme);
    expect(first?.[1]).toMatch(/^npm ci && npm run build && node bin\/heed\.js check examples\/ && node bin\/heed\.js test examples\//);
    expect(first?.[2]).toMatch(/^npm ci && npm test/);
  });
});

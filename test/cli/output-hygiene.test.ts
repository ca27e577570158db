/**
 * Human output never passes a policy's control characters to the terminal:
 * a policy named `\x1b[31m...` shows that text, and colours nothing.
 */

import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { startServer } from "../../src/adapters/http/server.js";
import { heed, workspace } from "./helpers.js";

/** A policy whose name and a condition's text carry an ANSI escape, a bell and a right-to-left override. */
const HOSTILE = `cadence: "\\e[31mred\\a"
timezone: { from: contact.timezone, fallback: UTC }
channels: [email]
rules:
  - { id: cap, atMost: 1, of: email, per: 1 days }
  - { id: roles, never: email, when: "contact.role == \\"\\e[32mgreen\\u202e\\"" }
`;

/** Any C0 control but tab and newline, DEL, C1, or a bidirectional control. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function hostileWorkspace(): string {
  const dir = workspace({
    "evil.heed.yaml": HOSTILE,
    "plain.heed": 'cadence "plain" {\n  channels email\n}\n',
    "history.json": JSON.stringify([{ type: "touch", channel: "email", at: "2026-03-02T09:00:00Z" }]),
  });
  dirs.push(dir);
  return dir;
}

describe("output hygiene", () => {
  it("heed explain shows the policy's control characters escaped", () => {
    const dir = hostileWorkspace();
    const run = heed(["explain", "evil.heed.yaml", "plain.heed", "--touch", "email", "--at", "2026-03-02T10:00:00Z", "--history", "history.json"], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    expect(run.stdout).toContain("policy `\\x1b[31mred\\x07`: defer");
    expect(run.stdout).toContain("[\\x1b[31mred\\x07] cap");
  });

  it("heed simulate shows the policy's control characters escaped", () => {
    const dir = hostileWorkspace();
    const run = heed(["simulate", "evil.heed.yaml", "--contacts", "20", "--seed", "1"], dir);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    expect(run.stdout).toContain("against `\\x1b[31mred\\x07`");
    expect(run.stdout).toContain("stage active");
  });

  it("heed check's pretty and github output shows a hostile file's text escaped", () => {
    const dir = workspace({ "bad.heed": `cadence "x" {\n  channels email\n  at most 1 \u001b[31memail per fortnight\u0007\n}\n` });
    dirs.push(dir);
    for (const format of ["pretty", "github"]) {
      const run = heed(["check", "bad.heed", "--format", format], dir);
      expect(run.code).toBe(1);
      expect(run.stdout + run.stderr).not.toMatch(RAW_CONTROL);
    }
    const pretty = heed(["check", "bad.heed"], dir);
    expect(pretty.stdout + pretty.stderr).toContain("\\x1b[31memail");
  });

  it("heed serve's log lines show a policy's control characters escaped", async () => {
    const dir = hostileWorkspace();
    let text = "";
    const server = await startServer({ policies: dir, store: "memory", pollInterval: 0, watch: false, log: { write: (chunk: string) => (text += chunk) } });
    await server.close();
    expect(text).not.toMatch(RAW_CONTROL);
    expect(text).toContain(`heed serve: policies in use: \\x1b[31mred\\x07 (${"evil.heed.yaml"})`);
  });
});

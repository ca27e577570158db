import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/adapters/cli/main.js";
import { FIXTURES, workspace } from "./helpers.js";

/** A stream that keeps what is written, claiming to be a terminal or not. */
function capture(isTTY: boolean) {
  const chunks: string[] = [];
  return { stream: { isTTY, write: (chunk: string) => chunks.push(chunk) }, text: () => chunks.join("") };
}

const BROKEN = readFileSync(join(FIXTURES, "inbound.heed"), "utf8").replace("move to nurture\n", "move to nurtur\n");

describe("main, driven in-process", () => {
  it("returns the exit code instead of exiting", async () => {
    const out = capture(false);
    const err = capture(false);
    expect(await main([], { stdout: out.stream, stderr: err.stream })).toBe(2);
    expect(err.text()).toContain("usage: heed COMMAND");
  });

  it("colours a terminal's output, and not with NO_COLOR set", async () => {
    const dir = workspace({ "broken.heed": BROKEN });
    const tty = capture(true);
    expect(await main(["check", "broken.heed"], { stdout: tty.stream, stderr: capture(true).stream, cwd: dir, env: {} })).toBe(1);
    expect(tty.text()).toContain("\u001b[31m");
    const noColor = capture(true);
    await main(["check", "broken.heed"], { stdout: noColor.stream, stderr: capture(true).stream, cwd: dir, env: { NO_COLOR: "1" } });
    expect(noColor.text()).not.toContain("\u001b[");
    expect(noColor.text()).toContain("broken.heed:");
  });

  it("draws simulate's progress bar on a terminal's stderr only", async () => {
    const dir = workspace({ "inbound.heed": readFileSync(join(FIXTURES, "inbound.heed"), "utf8") });
    const args = ["simulate", "inbound.heed", "--contacts", "60", "--seed", "3", "--horizon", "3"];
    const ttyErr = capture(true);
    const ttyOut = capture(true);
    expect(await main(args, { stdout: ttyOut.stream, stderr: ttyErr.stream, cwd: dir, env: {} })).toBe(0);
    expect(ttyErr.text()).toContain("60/60 contacts");
    const pipeErr = capture(false);
    const pipeOut = capture(false);
    await main(args, { stdout: pipeOut.stream, stderr: pipeErr.stream, cwd: dir, env: {} });
    expect(pipeErr.text()).toBe("");
    expect(pipeOut.text()).toBe(ttyOut.text());
  });
});

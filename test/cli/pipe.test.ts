/** The CLI in a pipeline whose reader stops early (`heed graph ... | head -1`). */

import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

import { BIN, workspace } from "./helpers.js";

describe("heed in a pipeline", () => {
  it("stops quietly when the reader closes the pipe early, with no stack trace", () => {
    const stages = Array.from({ length: 3000 }, (_, i) => `  stage s${i} {\n    allow email\n    after 1 touch move to s${i + 1}\n  }\n`).join("");
    const dir = workspace({ "big.heed": `cadence "big" {\n  channels email\n  start stage first {\n    allow email\n    after 1 touch move to s0\n  }\n${stages}  final stage s3000\n}\n` });
    const run = spawnSync("sh", ["-c", `"${process.execPath}" "${BIN}" graph big.heed | head -1`], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(run.stdout.split("\n")[0]).toBe("stateDiagram-v2");
    expect(run.stderr).not.toMatch(/EPIPE|Error|at /);
  }, 60_000);
});

/** The bundled examples are cadences a careful team would ship: `heed check --strict` is clean. */

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { heed, ROOT, workspace } from "./helpers.js";

describe("heed check on the bundled examples", () => {
  it("passes --strict, every warning either absent or accepted by a `# heed-check: allow` comment", () => {
    const run = heed(["check", "--strict", "examples/"], ROOT);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/checked 18 policies: no problems \(6 more warnings allowed by `# heed-check: allow` comments\)\n$/);
    // the silent contact is moved out of every team cadence
    for (const example of ["analyst-call", "appointment-setter", "content-reader", "donor", "existing-customer", "inbound"]) {
      expect(run.stdout).toMatch(new RegExp(`examples/${example}\\.heed: a silent contact gets .* and ends in \`closed\` after \\d+ days\\n`));
    }
  }, 120_000);

  it("accepts only the warnings a file names, never errors", () => {
    const dir = workspace({
      "overlay.heed": '# heed-check: allow unbounded-pursuit\ncadence "overlay" {\n  channels email\n  attributes { optout: boolean }\n  never email when contact.optout == true\n}\n',
      "other.heed": 'cadence "other" {\n  channels email\n  attributes { optout: boolean }\n  never email when contact.optout == true\n}\n',
      "broken.heed": '# heed-check: allow syntax, unknown-stage\ncadence "broken" {\n  channels email\n  start stage a {\n    after 2 touches move to b\n  }\n}\n',
    });
    mkdirSync(join(dir, "empty"));
    writeFileSync(join(dir, "empty", ".keep"), "");
    const overlay = heed(["check", "--strict", "overlay.heed"], dir);
    expect(overlay.code).toBe(0);
    expect(overlay.stdout).toContain("checked 1 policy: no problems (1 more warning allowed by `# heed-check: allow` comments)");
    const other = heed(["check", "--strict", "other.heed"], dir);
    expect(other.code).toBe(1);
    expect(other.stdout).toContain("other.heed:1:9: warning[unbounded-pursuit]");
    const broken = heed(["check", "broken.heed"], dir);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain("broken.heed:5:29: error[unknown-stage]: unknown stage `b`");
  }, 120_000);
});

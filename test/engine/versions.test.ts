import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { compile } from "../../src/engine/index.js";
import { parsePolicy } from "../../src/parser/index.js";

/**
 * The versions of the example policies, as snapshots record them. A version
 * is a fingerprint of the compiled policy; it changes only when what a
 * policy means changes, so that snapshots stored before an upgrade of the
 * engine stay readable. These were computed before the engine was
 * restructured into one module per rule kind; the donor,
 * appointment-setter and analyst-call examples were rewritten with facts
 * and conditional rules (spec section 8), which changed what they mean;
 * Florida's and the TCPA example read holiday calendars (a policy that
 * changes meaning gets a new version).
 */
const VERSIONS: Record<string, string> = {
  "analyst-call": "content-download-calls#149a39251a6b1a",
  "appointment-setter": "appointment-setter#1e63d239ce9350",
  compliance: "compliance#1f4011832a845e",
  "content-reader": "content-reader#043b11cd038625",
  donor: "donor-outreach#13615aa989b130",
  "existing-customer": "existing-customer#02fdcc40e9c209",
  "florida-telemarketing": "florida-telemarketing#19c02a2321e1e1",
  inbound: "inbound-content#0df2d8019c974a",
  tcpa: "tcpa-calls#19557cba9ac9a9",
};

describe("policy versions", () => {
  const dir = join(import.meta.dirname, "..", "..", "examples");
  const files = readdirSync(dir).filter((f) => f.endsWith(".heed") || f.endsWith(".heed.yaml"));

  it.each(files)("%s keeps the version its snapshots were stored under", (file) => {
    const { policy } = parsePolicy(readFileSync(join(dir, file), "utf8"), { file });
    const engine = compile(policy!);
    const snapshot = engine.start({ id: "c" }, "2026-01-01T00:00:00Z");
    expect(snapshot["policies"]).toEqual([VERSIONS[file.replace(/\.heed(\.yaml)?$/, "")]]);
  });
});

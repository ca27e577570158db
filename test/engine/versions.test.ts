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
 * changes meaning gets a new version). The declared input types
 * (`attributes`, and signals' props) became part of the compiled form, since
 * they refuse contacts and events: the seven examples that declare some got
 * new versions; appointment-setter and compliance, which declare only
 * signals without props, kept theirs.
 */
const VERSIONS: Record<string, string> = {
  "analyst-call": "content-download-calls#0a84aa07deebc6",
  "appointment-setter": "appointment-setter#1e63d239ce9350",
  compliance: "compliance#1f4011832a845e",
  "content-reader": "content-reader#1707974ae1f394",
  donor: "donor-outreach#08a90a6aaa6510",
  "existing-customer": "existing-customer#1870550005056b",
  "florida-telemarketing": "florida-telemarketing#04a8f28cd36ca7",
  inbound: "inbound-content#0173127372270e",
  tcpa: "tcpa-calls#09b8772afe7925",
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

describe("policy versions and declarations", () => {
  const policy = (declarations: string): string => `cadence "decl" {
  channels email
${declarations}
  at most 1 email per 1 day
}
`;
  const versionOf = (text: string): string => {
    const { policy: p, diagnostics } = parsePolicy(text, { file: "decl.heed" });
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    return (compile(p!).start({ id: "c" }, "2026-01-01T00:00:00Z")["policies"] as string[])[0]!;
  };
  const base = versionOf(policy(`  attributes {\n    role: "analyst" | "student"\n    score: number\n  }`));

  it("changes when a choice of a declared attribute changes", () => {
    expect(versionOf(policy(`  attributes {\n    role: "analyst"\n    score: number\n  }`))).not.toBe(base);
  });

  it("changes when an attribute's type changes, or an attribute is declared or undeclared", () => {
    expect(versionOf(policy(`  attributes {\n    role: "analyst" | "student"\n    score: string\n  }`))).not.toBe(base);
    expect(versionOf(policy(`  attributes {\n    role: "analyst" | "student"\n  }`))).not.toBe(base);
    expect(versionOf(policy(`  attributes {\n    role: "analyst" | "student"\n    score: number\n    vip: boolean\n  }`))).not.toBe(base);
  });

  it("changes when a signal's prop type changes", () => {
    const before = versionOf(policy(`  signals {\n    reply { sentiment: "positive" | "negative" }\n  }`));
    expect(versionOf(policy(`  signals {\n    reply { sentiment: string }\n  }`))).not.toBe(before);
  });

  it("keeps the version when declarations are only reordered", () => {
    expect(versionOf(policy(`  attributes {\n    score: number\n    role: "analyst" | "student"\n  }`))).toBe(base);
  });

  it("keeps the version of a policy that declares nothing, and of one that declares only signals without props", () => {
    const plain = versionOf(policy(""));
    expect(plain).toBe("decl#" + plain.split("#")[1]);
    expect(versionOf(policy(`  signals {\n    webinar_attended\n  }`))).toBe(plain);
  });
});

describe("snapshots and declarations", () => {
  const engineOf = (role: string): ReturnType<typeof compile> =>
    compile(parsePolicy(`cadence "decl" {\n  channels email\n  attributes {\n    role: ${role}\n  }\n}\n`, { file: "decl.heed" }).policy!);

  it("refuses as stale a snapshot built under declarations that accepted what the new ones refuse", () => {
    const before = engineOf(`"analyst" | "student"`);
    const after = engineOf(`"analyst"`);
    const snapshot = before.start({ id: "c", attributes: { role: "student" } }, "2026-01-01T00:00:00Z");
    expect(() => after.decide(after.restore(JSON.parse(JSON.stringify(snapshot))), { channel: "email" }, "2026-01-01T01:00:00Z")).toThrow(
      expect.objectContaining({ code: "stale-snapshot", field: "snapshot.policies" }),
    );
    expect(() => after.evaluate({ contact: { id: "c", attributes: { role: "student" } }, history: [], touch: { channel: "email" }, at: "2026-01-01T01:00:00Z" })).toThrow(
      expect.objectContaining({ code: "invalid-attribute", field: "contact.attributes.role" }),
    );
  });
});

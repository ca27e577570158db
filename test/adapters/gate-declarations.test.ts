/**
 * A gate keeps one snapshot per policy version. Declarations (`attributes`,
 * signals' props) refuse contacts and events, so they are part of the
 * version: a snapshot built under the old declarations is not reused under
 * new ones that refuse what it was built from; the gate rebuilds from the
 * stored history and the new declarations refuse it.
 */

import { describe, expect, it } from "vitest";
import { createGate, snapshotVersion } from "../../src/adapters/gate.js";
import { MemoryStore } from "../../src/adapters/store/memory.js";
import type { Engine } from "../../src/engine/api.js";
import { compile } from "../../src/engine/index.js";
import { parsePolicy } from "../../src/parser/index.js";

const policy = (role: string, sentiment: string): string => `
cadence "decl" {
  timezone from contact.timezone else "UTC"
  channels email
  attributes {
    role: ${role}
  }
  signals {
    reply { sentiment: ${sentiment} }
  }
  at most 3 emails per 1 day
}
`;
const engineOf = (text: string): Engine => compile(parsePolicy(text, { file: "decl.heed" }).policy!);
const BASE = Date.UTC(2026, 2, 2, 9);
const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const clock = (): number => BASE + 24 * HOUR;

describe("gate snapshots under changed declarations", () => {
  it("refuses a contact the new declarations refuse, instead of reusing the old version's snapshot", async () => {
    const before = engineOf(policy(`"analyst" | "student"`, "string"));
    const after = engineOf(policy(`"analyst"`, "string"));
    expect(snapshotVersion(after)).not.toBe(snapshotVersion(before));
    const store = new MemoryStore();
    const contact = { id: "c1", attributes: { role: "student" } };
    const old = createGate({ engine: before, store, clock });
    expect((await old.attempt("c1", { channel: "email" }, iso(BASE), { contact })).decision.verdict).toBe("allow");
    const gate = createGate({ engine: after, store, clock });
    await expect(gate.attempt("c1", { channel: "email" }, iso(BASE + HOUR))).rejects.toMatchObject({ code: "invalid-attribute", field: "contact.attributes.role" });
    // the old version's gate still decides from its own snapshot
    expect((await old.attempt("c1", { channel: "email" }, iso(BASE + 2 * HOUR))).decision.verdict).toBe("allow");
  });

  it("refuses a stored signal whose prop the new declarations type otherwise", async () => {
    const before = engineOf(policy("string", "string"));
    const after = engineOf(policy("string", `"positive" | "negative"`));
    const store = new MemoryStore();
    const old = createGate({ engine: before, store, clock });
    await old.record("c2", { type: "reply", at: iso(BASE), id: "r1", sentiment: "meh" });
    expect((await old.attempt("c2", { channel: "email" }, iso(BASE + HOUR))).decision.verdict).toBe("allow");
    const gate = createGate({ engine: after, store, clock });
    await expect(gate.attempt("c2", { channel: "email" }, iso(BASE + 2 * HOUR))).rejects.toMatchObject({ code: "invalid-event" });
  });
});

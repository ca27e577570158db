import { describe, expect, it } from "vitest";

import { HeedInputError } from "../../src/diagnostics.js";
import { compile } from "../../src/engine/index.js";
import { parsePolicy } from "../../src/parser/index.js";

const engineOf = (limit: number) => {
  const { policy, diagnostics } = parsePolicy(`cadence "pacing" {\n  channels email, call\n  at most ${limit} calls per day\n}\n`, { file: "pacing.heed" });
  expect(diagnostics).toEqual([]);
  return compile(policy!);
};

function failure(fn: () => unknown): HeedInputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HeedInputError) return error;
    throw error;
  }
  throw new Error("expected a HeedInputError");
}

describe("snapshots are checked where they enter", () => {
  const engine = engineOf(1);
  const contact = { id: "c", timezone: "UTC" };
  const stepped = engine.step(engine.start(contact, "2026-03-02T09:00:00Z"), { type: "touch", channel: "call", at: "2026-03-02T09:00:00Z" });

  it("restores a snapshot read back from JSON, and decides on it as on the original", () => {
    const stored = JSON.parse(JSON.stringify(stepped)) as unknown;
    const restored = engine.restore(stored);
    expect(engine.decide(restored, { channel: "call" }, "2026-03-02T10:00:00Z")).toEqual(engine.decide(stepped, { channel: "call" }, "2026-03-02T10:00:00Z"));
    expect(engine.decide(restored, { channel: "call" }, "2026-03-02T10:00:00Z").verdict).toBe("defer");
  });

  it("refuses a damaged snapshot at restore, naming the field", () => {
    const damaged = JSON.parse(JSON.stringify(stepped)) as { states: { memory: unknown[] }[] };
    damaged.states[0]!.memory = ["yesterday"];
    const e = failure(() => engine.restore(damaged));
    expect([e.code, e.field]).toEqual(["invalid-snapshot", "snapshot.states[0]"]);
    expect(e.message).toBe("`snapshot.states[0]` is not a state of policy `pacing`: the memory of rule `policy.at-most.1` does not fit its kind (at-most)");
    expect(failure(() => engine.restore("not a snapshot")).code).toBe("invalid-snapshot");
    expect(failure(() => engine.restore(null)).code).toBe("invalid-snapshot");
  });

  it("checks a snapshot another engine made, even one it was handed before under that engine", () => {
    const other = engineOf(2);
    expect(failure(() => other.decide(stepped, { channel: "call" }, "2026-03-02T10:00:00Z")).code).toBe("stale-snapshot");
    expect(failure(() => other.restore(stepped)).code).toBe("stale-snapshot");
  });

  it("steps a restored snapshot to the same state as the original", () => {
    const event = { type: "touch", channel: "email", at: "2026-03-02T11:00:00Z" };
    const fromStored = engine.step(engine.restore(JSON.parse(JSON.stringify(stepped))), event);
    expect(JSON.stringify(fromStored)).toBe(JSON.stringify(engine.step(stepped, event)));
  });
});

/**
 * Canonical JSON (`src/canonical.ts`): the text policy fingerprints and the
 * decision log's `inputsHash` are made of. Checked against its definition,
 * written out plainly below, on generated values.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/canonical.js";

/** The definition: keys sorted in code-unit order at every level, `undefined` fields left out, `null` in lists. */
function definition(value: unknown): string {
  if (Array.isArray(value)) return `[${Array.from(value, (v: unknown) => definition(v === undefined ? null : v)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${definition(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Reverses the key order of every object: the same value, made in another order. */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).reverse().map(([k, v]) => [k, reversed(v)]));
  }
  return value;
}

const keys = fc.oneof(fc.string(), fc.constantFrom("a", "b", "Z", "é", "10", "9", "0", "-1", "1.5", "__proto__x", "\u{1F600}", "\ud800"));
const values = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.string(),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(keys, tie("value"), { maxKeys: 6 }),
  ),
})).value;

describe("canonicalJson", () => {
  it("writes what its definition writes, for any JSON-like value", () => {
    fc.assert(
      fc.property(values, (value) => {
        expect(canonicalJson(value)).toBe(definition(value));
      }),
      { numRuns: 2000 },
    );
  });

  it("writes equal values alike whatever the order their keys were made in", () => {
    fc.assert(
      fc.property(values, (value) => {
        expect(canonicalJson(reversed(value))).toBe(canonicalJson(value));
      }),
      { numRuns: 500 },
    );
  });

  it("sorts keys in code-unit order, numeric-looking keys included, and leaves `undefined` fields out", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
    expect(canonicalJson({ b: 1, 10: "x", 9: "y", a: undefined })).toBe('{"10":"x","9":"y","b":1}');
    expect(canonicalJson([undefined, { z: undefined }, "\u2028\ud800"])).toBe('[null,{},"\u2028\\ud800"]');
    expect(canonicalJson({ é: 1, z: 2, Z: 3 })).toBe('{"Z":3,"z":2,"é":1}');
    // many keys, out of order
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${(i * 17) % 40}`, { b: i, a: [i] }]));
    expect(canonicalJson(many)).toBe(definition(many));
    expect(canonicalJson(many).startsWith('{"k0":{"a":[0],"b":0},"k1":{"a":[33],"b":33},"k10":')).toBe(true);
  });

  it("writes a function's or a symbol's field as `null`, and an object with `toJSON` by its own keys", () => {
    const value = { f: () => 1, s: Symbol("s"), d: new Date(0), list: [() => 1, undefined], o: { toJSON: () => "no", k: 1 } };
    expect(canonicalJson(value)).toBe(definition(value));
    expect(canonicalJson(value)).toBe('{"d":{},"f":null,"list":[null,null],"o":{"k":1,"toJSON":null},"s":null}');
    expect(canonicalJson(undefined)).toBe("null");
  });

  it("leaves the value it is given as it was", () => {
    const value = { b: [{ y: 1, x: 2 }], a: 1 };
    canonicalJson(value);
    expect(Object.keys(value)).toEqual(["b", "a"]);
    expect(Object.keys(value.b[0]!)).toEqual(["y", "x"]);
  });
});

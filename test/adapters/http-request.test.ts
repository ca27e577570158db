/**
 * The depth check of request bodies (`tooDeep` in `src/adapters/http/request.ts`):
 * bodies nested at most `MAX_BODY_DEPTH` deep pass, deeper ones are named by
 * the path of their first too-deep value, whatever the brackets in strings.
 */

import { describe, expect, it } from "vitest";
import { MAX_BODY_DEPTH, tooDeep } from "../../src/adapters/http/request.js";

/** `{"a":[[...[1]...]]}`: an object holding lists `depth - 1` deep. */
function nested(depth: number): string {
  return `{"a":${"[".repeat(depth - 1)}1${"]".repeat(depth - 1)}}`;
}

describe("tooDeep", () => {
  it("passes a body exactly as deep as the limit and names the first value past it", () => {
    expect(tooDeep(nested(MAX_BODY_DEPTH), MAX_BODY_DEPTH)).toBeUndefined();
    expect(tooDeep(nested(MAX_BODY_DEPTH + 1), MAX_BODY_DEPTH)).toBe(`a${"[0]".repeat(MAX_BODY_DEPTH - 1)}`);
  });

  it("does not count brackets inside strings, however many", () => {
    const brackets = `{"note":"${"[{".repeat(500)}","k\\"[":"\\"{{{{","list":[${Array.from({ length: 150 }, () => '"["').join(",")}]}`;
    expect(JSON.parse(brackets)).toBeTruthy();
    expect(tooDeep(brackets, MAX_BODY_DEPTH)).toBeUndefined();
    expect(tooDeep(brackets.replace('"note":', `"deep":${nested(MAX_BODY_DEPTH)},"note":`), MAX_BODY_DEPTH)).toBe(`deep.a${"[0]".repeat(MAX_BODY_DEPTH - 2)}`);
  });

  it("passes many shallow objects and lists side by side", () => {
    const wide = `{"history":[${Array.from({ length: 500 }, (_, i) => `{"id":"e${i}","tags":["x"]}`).join(",")}]}`;
    expect(tooDeep(wide, MAX_BODY_DEPTH)).toBeUndefined();
  });
});

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateCstDts } from "chevrotain";
import { describe, expect, it } from "vitest";
import { grammar } from "../../src/parser/grammar.js";

const file = join(import.meta.dirname, "..", "..", "src", "parser", "cst.ts");
const HEADER = `/**
 * The CST's types, generated from the grammar by chevrotain's
 * \`generateCstDts\`: the CST -> AST step reads children by these names, so
 * a renamed rule or token is a compile error there. Regenerate with
 * \`HEED_WRITE_CST=1 npx vitest run test/parser/cst-types.test.ts\`.
 *
 * @module
 */

/* eslint-disable */
`;

function generated(): string {
  return HEADER + generateCstDts(grammar.getGAstProductions(), { includeVisitorInterface: false });
}

describe("CST types", () => {
  it("src/parser/cst.ts matches the grammar", () => {
    if (process.env.HEED_WRITE_CST === "1") writeFileSync(file, generated());
    expect(readFileSync(file, "utf8")).toBe(generated());
  });
});

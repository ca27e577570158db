/** The official SARIF 2.1.0 schema, for tests that check the `sarif` format. */

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";

/** The official SARIF 2.1.0 schema (draft-04), as shipped by @microsoft/jest-sarif, read with ajv's draft-07 dialect (its `language` pattern is not valid as a unicode regex). */
export function sarifValidator() {
  const require = createRequire(import.meta.url);
  const path = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
  const { id, $schema: _draft, ...schema } = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv.compile({ ...schema, $id: String(id) });
}

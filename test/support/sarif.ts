/** The official SARIF 2.1.0 schema, for tests that check the `sarif` format. */

import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";

/** The official SARIF 2.1.0 schema (draft-04, `sarif-2.1.0-rtm.5.schema.json` beside this file, as OASIS published it), read with ajv's draft-07 dialect (its `language` pattern is not valid as a unicode regex). */
export function sarifValidator() {
  const path = new URL("./sarif-2.1.0-rtm.5.schema.json", import.meta.url);
  const { id, $schema: _draft, ...schema } = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv.compile({ ...schema, $id: String(id) });
}

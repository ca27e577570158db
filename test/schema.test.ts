import { Ajv } from "ajv";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { POLICY_SCHEMA } from "../src/parser/yaml-schema.js";

const root = join(import.meta.dirname, "..");
const examples = join(root, "examples");
const schemaFile = join(root, "schema", "heed-policy.schema.json");
const policies = readdirSync(examples).filter((f) => /\.heed\.ya?ml$/.test(f));
const SCHEMA_LINE = "# yaml-language-server: $schema=../schema/heed-policy.schema.json";

describe("the JSON Schema of the YAML form", () => {
  const schema: unknown = JSON.parse(readFileSync(schemaFile, "utf8"));
  const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
  const validate = ajv.compile(schema as object);

  it("is the schema the front end checks with", () => {
    expect(schema).toEqual(POLICY_SCHEMA);
  });

  it("is draft-07, as yaml-language-server reads it", () => {
    expect((schema as { $schema: string }).$schema).toBe("http://json-schema.org/draft-07/schema#");
  });

  it("there are YAML example policies to check", () => {
    expect(policies.length).toBeGreaterThanOrEqual(6);
  });

  it.each(policies)("%s is valid against the schema", (file) => {
    const data: unknown = parse(readFileSync(join(examples, file), "utf8"));
    const valid = validate(data);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it.each(policies)("%s starts with the yaml-language-server schema line", (file) => {
    expect(readFileSync(join(examples, file), "utf8").split("\n")[0]).toBe(SCHEMA_LINE);
  });

  it("rejects what a policy must not contain", () => {
    expect(validate({ cadence: "p", channels: ["email"], rules: [{ atMost: 0, of: "email", per: "day" }] })).toBe(false);
    expect(validate({ cadence: "p", channels: ["email"], transitions: [{ on: "reply" }] })).toBe(false);
    expect(validate({ cadence: "p", channels: ["email"], stages: { a: { allow: ["email"], extra: 1 } } })).toBe(false);
    expect(validate({ channels: ["email"] })).toBe(false);
  });
});

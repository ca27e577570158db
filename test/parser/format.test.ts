import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Policy } from "../../src/ast.js";
import { parseDsl } from "../../src/parser/dsl.js";
import { formatPolicy } from "../../src/parser/format.js";

const inbound = readFileSync(join(import.meta.dirname, "..", "..", "examples", "inbound.heed"), "utf8");

function format(text: string): string {
  const { policy, diagnostics } = parseDsl(text);
  expect(diagnostics).toEqual([]);
  return formatPolicy(policy!);
}

describe("formatPolicy", () => {
  it("prints the spec example exactly as written: it is in canonical form", () => {
    expect(format(inbound)).toBe(inbound);
  });

  it("lays out a messy policy canonically", () => {
    const messy = [
      'cadence   "x"{channels email,call',
      "rule r1 : never call when (a == 1 and b == 2) or (c == 3 and (d == 4 or e == 5))",
      "at most 2 call per 24 hours at most 1 touches per day",
      "final stage closed { }",
      "start stage a { after 1 ignored touches move to closed on reply move to closed allow email",
      "at most 1 email per 1 day }",
      "stage b {}",
      'never any tagged "say \\"hi\\"" when not (x == 1 or y == 2) and not not z == 3',
      "on unsubscribe move to closed }",
    ].join("\n");
    expect(format(messy)).toMatchInlineSnapshot(`
      "cadence "x" {
        channels email, call

        final stage closed

        start stage a {
          allow email
          at most 1 email per 1 day
          after 1 ignored touch move to closed
          on reply move to closed
        }

        stage b { }

        on unsubscribe move to closed

        rule r1: never call when a == 1 and b == 2 or c == 3 and (d == 4 or e == 5)
        at most 2 calls per 24 hours
        at most 1 touch per day
        never any tagged "say \\"hi\\"" when not (x == 1 or y == 2) and not not z == 3
      }
      "
    `);
  });

  it("is idempotent on the messy policy", () => {
    const once = format('cadence "x" { channels email\n stage a { allow email }\n never email when not (a == 1 or b == 2) }');
    expect(format(once)).toBe(once);
  });

  it("keeps comments before the item they preceded and at the end of their line", () => {
    const text = [
      "# the policy",
      'cadence "x" { # header',
      "  channels email, call # two channels",
      "",
      "  # the first stage",
      "  start stage a {",
      "    # only email here",
      "    allow email",
      "    after 2 ignored touches move to b # then give up",
      "    # nothing after",
      "  }",
      "  final stage b # the end",
      "  # a rule",
      "  only business days",
      "}",
      "# trailing words",
    ].join("\n");
    const printed = format(text);
    expect(printed).toMatchInlineSnapshot(`
      "# the policy
      cadence "x" { # header
        channels email, call # two channels

        # the first stage
        start stage a {
          # only email here
          allow email
          after 2 ignored touches move to b # then give up
          # nothing after
        }

        final stage b # the end

        # a rule
        only business days
      }
      # trailing words
      "
    `);
    expect(format(printed)).toBe(printed);
  });

  it("prints a policy built without spans (from YAML) in the same layout", () => {
    const policy: Policy = {
      name: { value: "y" },
      channels: [{ name: "email" }, { name: "call" }],
      stages: [
        { name: { name: "a" }, start: true, final: false, allow: { kind: "list", channels: [{ name: "call" }] }, rules: [], transitions: [] },
        { name: { name: "z" }, start: false, final: true, rules: [], transitions: [] },
      ],
      transitions: [{ trigger: { kind: "signal", signal: { name: "reply" } }, target: { name: "z" } }],
      rules: [{ kind: "at-most", count: 3, channels: { kind: "list", channels: [{ name: "call" }] }, window: { kind: "rolling", amount: 24, unit: "hours" } }],
    };
    expect(formatPolicy(policy)).toMatchInlineSnapshot(`
      "cadence "y" {
        channels email, call

        start stage a { allow call }

        final stage z

        on reply move to z

        at most 3 calls per 24 hours
      }
      "
    `);
  });
});

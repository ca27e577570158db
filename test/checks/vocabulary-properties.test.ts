/**
 * A typo never fails open (spec section 8.1), as a property: in a valid
 * policy that declares its vocabulary, mutating one name where it is used
 * (a counter, an attribute, a signal, a prop) is always reported by
 * `heed check` on that line, never accepted silently. In both forms.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkStatic } from "../../src/adapters/check-policy.js";
import { convertPolicy } from "../../src/parser/convert.js";

const DSL = `cadence "mutations" {
  timezone from contact.tz else "UTC"
  channels email, call
  engagement reply, webinar_attended

  attributes {
    tz: string
    customer: boolean
    role: "analyst" | "student"
    score: number
  }

  signals {
    reply { sentiment: "positive" | "negative", prefers: string }
    webinar_attended { topic: string }
  }

  start stage prospecting {
    allow email, call
    when total_touches >= 3 and ignored > 1 move to closed
    on reply where sentiment == "negative" move to closed
    on webinar_attended where topic == "pricing" and touches > 0 move to closed
    after 30 days move to closed
  }

  final stage closed

  on unsubscribe move to closed

  never call when contact.customer == true or contact.attributes.role in ["analyst"]
  never call without reply where signal.prefers == "call"
  never any when contact.score < 2 and time_in_stage > 2 days
  never call within 2 days of webinar_attended
  never email after bounce
  at most 3 touches per 7 days
}
`;

const YAML = convertPolicy(DSL, { file: "mutations.heed", to: "yaml" }).output ?? "";

/** The names a mutation may hit: counters, attributes, signals, props. */
const NAMES = ["total_touches", "ignored", "touches", "time_in_stage", "tz", "customer", "role", "score", "reply", "webinar_attended", "unsubscribe", "bounce", "sentiment", "prefers", "topic"];

/** Where names are used (not declared): offset, name and line of each. */
function useSites(text: string): { offset: number; name: string; line: number }[] {
  const lines = text.split("\n");
  const declaring = new Set<number>();
  let inBlock = false;
  lines.forEach((line, i) => {
    // the DSL's `attributes {`/`signals {` blocks up to their `}`; YAML's `attributes:`/`signals:` maps
    if (/^ {2}(attributes|signals) \{$/.test(line) || /^(attributes|signals):/.test(line)) inBlock = true;
    else if (inBlock && (/^ {2}\}$/.test(line) || /^\S/.test(line))) inBlock = false;
    if (inBlock || /^ {2}\}$/.test(line)) declaring.add(i + 1);
  });
  const sites: { offset: number; name: string; line: number }[] = [];
  const pattern = new RegExp(`(?<![A-Za-z0-9_-])(${NAMES.join("|")})(?![A-Za-z0-9_-])`, "g");
  let lineStart = 0;
  lines.forEach((line, i) => {
    if (!declaring.has(i + 1)) for (const m of line.matchAll(pattern)) sites.push({ offset: lineStart + m.index, name: m[1]!, line: i + 1 });
    lineStart += line.length + 1;
  });
  return sites;
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz_".split("");

/** One edit of a name: a letter inserted, deleted, replaced, or two swapped. */
const arbEdit = fc.record({
  op: fc.constantFrom("insert" as const, "delete" as const, "replace" as const, "swap" as const),
  at: fc.nat(),
  letter: fc.constantFrom(...LETTERS),
});

function edit(name: string, e: { op: "insert" | "delete" | "replace" | "swap"; at: number; letter: string }): string {
  const i = e.at % (name.length + (e.op === "insert" ? 1 : 0));
  switch (e.op) {
    case "insert":
      return name.slice(0, i) + e.letter + name.slice(i);
    case "delete":
      return name.slice(0, i) + name.slice(i + 1);
    case "replace":
      return name.slice(0, i) + e.letter + name.slice(i + 1);
    case "swap":
      return i + 1 < name.length ? name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2) : name;
  }
}

describe.each([
  ["DSL", DSL, "mutations.heed"],
  ["YAML", YAML, "mutations.heed.yaml"],
])("one mutated name in a declared policy (%s)", (_form, text, file) => {
  const sites = useSites(text);

  it("the policy as written is clean, and every kind of name is used", () => {
    expect(checkStatic(text, file).diagnostics).toEqual([]);
    expect(new Set(sites.map((s) => s.name))).toEqual(new Set(NAMES));
  });

  it("is always reported on its line, never accepted silently (property)", () => {
    fc.assert(
      fc.property(fc.nat(), arbEdit, (pick, e) => {
        const site = sites[pick % sites.length]!;
        const mutated = edit(site.name, e);
        fc.pre(mutated !== site.name && /^[A-Za-z_]/.test(mutated));
        const changed = text.slice(0, site.offset) + mutated + text.slice(site.offset + site.name.length);
        const found = checkStatic(changed, file).diagnostics;
        expect(found.some((d) => d.span?.line === site.line), `\`${site.name}\` → \`${mutated}\` on line ${site.line}: ${JSON.stringify(found.map((d) => d.message))}`).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

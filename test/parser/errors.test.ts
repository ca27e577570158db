import { describe, expect, it } from "vitest";
import { parseDsl } from "../../src/parser/dsl.js";

/** The diagnostics of a policy whose body is `body`, as `line:column message`. */
function errors(body: string): string[] {
  const { policy, diagnostics } = parseDsl(`cadence "p" {\n  channels email, call, sms\n${body}\n}\n`, { file: "p.heed" });
  expect(policy).toBeUndefined();
  return diagnostics.map((d) => `${d.span?.file}:${d.span?.line}:${d.span?.column} ${d.message}`);
}

function errorsOf(text: string): string[] {
  const { policy, diagnostics } = parseDsl(text, { file: "p.heed" });
  expect(policy).toBeUndefined();
  return diagnostics.map((d) => `${d.span?.line ?? "-"}:${d.span?.column ?? "-"} ${d.message}`);
}

describe("syntax error messages for the likely mistakes", () => {
  it("missing `move to`", () => {
    expect(errors("  start stage a {\n    after 2 ignored touches nurture\n  }")).toMatchInlineSnapshot(`
      [
        "p.heed:4:29 expected \`move to\` after \`after 2 ignored touches\`, found \`nurture\`",
      ]
    `);
    expect(errors("  on reply")).toMatchInlineSnapshot(`
      [
        "p.heed:3:11 expected \`move to\` after \`on reply\`",
      ]
    `);
  });

  it("`move` without `to`", () => {
    expect(errors("  on reply move closed")).toMatchInlineSnapshot(`
      [
        "p.heed:3:17 expected \`to\` after \`on reply move\`, found \`closed\`",
      ]
    `);
  });

  it("a misspelled keyword at the start of a line", () => {
    expect(errors("  nevr call when contact.role == \"analyst\"")).toMatchInlineSnapshot(`
      [
        "p.heed:3:3 unknown word \`nevr\` (did you mean \`never\`?)",
      ]
    `);
    expect(errors("  stag nurture { allow email }")).toMatchInlineSnapshot(`
      [
        "p.heed:3:3 unknown word \`stag\` (did you mean \`stage\`?)",
      ]
    `);
  });

  it("a misspelled keyword inside a statement", () => {
    expect(errors("  on reply mve to closed")).toMatchInlineSnapshot(`
      [
        "p.heed:3:12 unknown word \`mve\` (did you mean \`move\`?)",
      ]
    `);
    expect(errors("  never call whn x == 1")).toMatchInlineSnapshot(`
      [
        "p.heed:3:14 unknown word \`whn\` (did you mean \`when\`?)",
      ]
    `);
  });

  it("a misspelled second keyword of a statement", () => {
    expect(errors("  at mots 3 calls per day")).toMatchInlineSnapshot(`
      [
        "p.heed:3:6 unknown word \`mots\` (did you mean \`most\`?)",
      ]
    `);
  });

  it("a line that goes on after its statement is complete", () => {
    expect(errors("  holidays 2026-11-26 2026-12-25")).toMatchInlineSnapshot(`
      [
        "p.heed:3:23 unexpected \`2026-12-25\` after \`holidays 2026-11-26\` (is a \`,\` missing?)",
      ]
    `);
    expect(errors("  never call when x == 1)")).toMatchInlineSnapshot(`
      [
        "p.heed:3:25 unexpected \`)\` after \`never call when x == 1\`",
      ]
    `);
  });

  it("an unknown word where a statement starts", () => {
    expect(errors("  send email daily")).toMatchInlineSnapshot(`
      [
        "p.heed:3:3 unknown word \`send\`, expected a policy line, a stage, a rule or a transition",
      ]
    `);
  });

  it("a bad duration unit", () => {
    expect(errors("  never call within 4 hrs of content_download")).toMatchInlineSnapshot(`
      [
        "p.heed:3:23 unknown duration unit \`hrs\` (write \`hours\`)",
      ]
    `);
    expect(errors("  after 2 fortnights move to closed")).toMatchInlineSnapshot(`
      [
        "p.heed:3:11 unknown duration unit \`fortnights\` (use minutes, hours, days, weeks or business days)",
      ]
    `);
    expect(errors("  at least 2 business hours between calls")).toMatchInlineSnapshot(`
      [
        "p.heed:3:14 unknown duration \`business hours\` (only days can be business days)",
      ]
    `);
  });

  it("an unclosed string", () => {
    expect(errors('  never call when contact.role == "analyst')).toMatchInlineSnapshot(`
      [
        "p.heed:3:35 unclosed string \`"analyst\` (a string ends with \`"\` on the same line)",
      ]
    `);
  });

  it("a string in single quotes", () => {
    expect(errors("  never call when contact.role == 'analyst'")).toMatchInlineSnapshot(`
      [
        "p.heed:3:35 unexpected character \`'\` (strings use double quotes: \`"..."\`)",
        "p.heed:3:43 unexpected character \`'\` (strings use double quotes: \`"..."\`)",
      ]
    `);
  });

  it("a tag without quotes", () => {
    expect(errors("  never any tagged meeting-ask when total_touches == 0")).toMatchInlineSnapshot(`
      [
        "p.heed:3:20 expected a quoted string after \`never any tagged\`, found \`meeting-ask\` (write \`"meeting-ask"\`)",
      ]
    `);
  });

    it("an unknown escape in a string", () => {
    expect(errors('  never call when contact.note == "a\\qb"')).toMatchInlineSnapshot(`
      [
        "p.heed:3:35 unknown escape \`\\q\` in string (use \`\\"\`, \`\\\\\`, \`\\n\` or \`\\t\`)",
      ]
    `);
  });

  it("an unclosed brace", () => {
    expect(errorsOf('cadence "p" {\n  channels email\n  stage a {\n    allow email\n')).toMatchInlineSnapshot(`
      [
        "3:11 unclosed \`{\` of \`stage a {\` (expected \`}\` before the end of the text)",
      ]
    `);
  });

  it("an unclosed stage brace, found by indentation", () => {
    expect(errorsOf('cadence "p" {\n  channels email\n  stage a {\n    allow email\n}\n')).toMatchInlineSnapshot(`
      [
        "3:11 unclosed \`{\` of \`stage a {\` (expected \`}\` before the end of the text)",
      ]
    `);
    expect(errorsOf('cadence "p" {\n  channels email\n  stage a {\n    allow email\n\n  stage b { allow email }\n}\n')).toMatchInlineSnapshot(`
      [
        "4:16 expected \`}\` after \`allow email\`",
      ]
    `);
  });

  it("a brace that closes nothing", () => {
    expect(errorsOf('cadence "p" {\n  channels email\n}\n}\n')).toMatchInlineSnapshot(`
      [
        "4:1 unexpected \`}\` (this brace closes nothing)",
      ]
    `);
  });

  it("`24:00` and other impossible times", () => {
    expect(errors("  quiet hours 21:00 to 24:00")).toMatchInlineSnapshot(`
      [
        "p.heed:3:24 invalid time of day \`24:00\` (write \`00:00\` for midnight)",
      ]
    `);
    expect(errors("  quiet hours 25:00 to 08:61")).toMatchInlineSnapshot(`
      [
        "p.heed:3:15 invalid time of day \`25:00\` (hours go from 00 to 23, minutes from 00 to 59)",
        "p.heed:3:24 invalid time of day \`08:61\` (hours go from 00 to 23, minutes from 00 to 59)",
      ]
    `);
  });

  it("a time without minutes", () => {
    expect(errors("  quiet hours 9 to 17")).toMatchInlineSnapshot(`
      [
        "p.heed:3:15 expected a time of day (\`HH:MM\`) after \`quiet hours\`, found \`9\`",
      ]
    `);
  });

  it("negative and fractional counts", () => {
    expect(errors("  at most -1 calls per day")).toMatchInlineSnapshot(`
      [
        "p.heed:3:11 negative count \`-1\` (a count is a whole number, 0 or more)",
      ]
    `);
    expect(errors("  after 1.5 ignored touches move to closed")).toMatchInlineSnapshot(`
      [
        "p.heed:3:9 count \`1.5\` is not a whole number",
      ]
    `);
  });

  it("a missing channel list", () => {
    expect(errors("  never when contact.customer == true")).toMatchInlineSnapshot(`
      [
        "p.heed:3:9 expected channels (names, \`any\` or \`touches\`) after \`never\`, found \`when\`",
      ]
    `);
    expect(errors("  start stage a {\n    allow\n  }")).toMatchInlineSnapshot(`
      [
        "p.heed:4:10 expected a name after \`allow\`",
      ]
    `);
  });

  it("a missing comma between channels", () => {
    expect(errors("  quiet hours 21:00 to 08:00 for call sms")).toMatchInlineSnapshot(`
      [
        "p.heed:3:39 unexpected \`sms\` after the end of a statement (is a \`,\` missing?)",
      ]
    `);
  });

  it("`at most` without `per`", () => {
    expect(errors("  at most 3 calls\n  only business days")).toMatchInlineSnapshot(`
      [
        "p.heed:3:18 expected \`per\` after \`at most 3 calls\`",
      ]
    `);
  });

  it("a window in business days", () => {
    expect(errors("  at most 3 calls per 2 business days")).toMatchInlineSnapshot(`
      [
        "p.heed:3:23 a window cannot be counted in business days (write \`per N days\`, \`per day\` or \`per week\`)",
      ]
    `);
  });

  it("`ignored` without `touches`", () => {
    expect(errors("  after 2 ignored move to nurture")).toMatchInlineSnapshot(`
      [
        "p.heed:3:19 expected \`touches\` after \`after 2 ignored\`, found \`move\`",
      ]
    `);
  });

  it("`=` instead of `==`", () => {
    expect(errors("  never call when contact.role = \"analyst\"")).toMatchInlineSnapshot(`
      [
        "p.heed:3:32 use \`==\` to compare, not \`=\`",
      ]
    `);
  });

  it("a condition cut short after `and`", () => {
    expect(errors("  never call when contact.customer == true and\n  only business days")).toMatchInlineSnapshot(`
      [
        "p.heed:3:47 expected a condition after \`never call when contact.customer == true and\`",
      ]
    `);
  });

  it("an impossible holiday", () => {
    expect(errors("  holidays 2026-02-30, 2026-13-01")).toMatchInlineSnapshot(`
      [
        "p.heed:3:12 invalid date \`2026-02-30\` (no such day)",
        "p.heed:3:24 invalid date \`2026-13-01\` (no such day)",
      ]
    `);
  });

  it("`allow` outside a stage", () => {
    expect(errors("  allow email")).toMatchInlineSnapshot(`
      [
        "p.heed:3:3 \`allow\` belongs inside a stage (a policy without stages allows every declared channel)",
      ]
    `);
  });

  it("a second `channels` line", () => {
    expect(errors("  channels linkedin")).toMatchInlineSnapshot(`
      [
        "p.heed:3:3 more than one \`channels\` line",
      ]
    `);
  });

  it("a file that is not a policy", () => {
    expect(errorsOf("channels email")).toMatchInlineSnapshot(`
      [
        "1:1 expected a policy: \`cadence "NAME" { ... }\`, found \`channels\`",
      ]
    `);
    expect(errorsOf("")).toMatchInlineSnapshot(`
      [
        "1:1 expected a policy: \`cadence "NAME" { ... }\`, found nothing",
      ]
    `);
  });

  it("reports every error of a file in one run", () => {
    expect(
      errors(
        [
          "  start stage a {",
          "    after 2 ignored touches nurture",
          "    on reply move to b",
          "  }",
          "  nevr call when x == 1",
          "  quiet hours 21:00 to 24:00",
          "  at most 3 calls",
          "  never sms within 4 hrs of download",
        ].join("\n"),
      ),
    ).toMatchInlineSnapshot(`
      [
        "p.heed:4:29 expected \`move to\` after \`after 2 ignored touches\`, found \`nurture\`",
        "p.heed:7:3 unknown word \`nevr\` (did you mean \`never\`?)",
        "p.heed:8:24 invalid time of day \`24:00\` (write \`00:00\` for midnight)",
        "p.heed:9:18 expected \`per\` after \`at most 3 calls\`",
        "p.heed:10:22 unknown duration unit \`hrs\` (write \`hours\`)",
      ]
    `);
  });
});

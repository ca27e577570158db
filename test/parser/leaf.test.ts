import { describe, expect, it } from "vitest";
import { stripSpans } from "../../src/ast.js";
import {
  parseAfterText,
  parseChannelSetText,
  parseConditionText,
  parseDurationText,
  parseQuietHoursText,
  parseTimeOfDayText,
  parseWindowText,
  type TextOrigin,
} from "../../src/parser/leaf.js";

/** A YAML value that starts on line 12, column 19 of `p.heed.yaml`. */
const origin: TextOrigin = { file: "p.heed.yaml", line: 12, column: 19, offset: 300 };
const at = (d: { span?: { line: number; column: number } }) => `${d.span?.line}:${d.span?.column}`;

describe("leaf sub-grammars (YAML values)", () => {
  it("durations", () => {
    expect(stripSpans(parseDurationText("4 hours", origin).value)).toEqual({ kind: "duration", amount: 4, unit: "hours" });
    expect(stripSpans(parseDurationText("2 business days", origin).value)).toEqual({
      kind: "duration",
      amount: 2,
      unit: "business-days",
    });
    expect(stripSpans(parseDurationText("1 week", origin).value)).toEqual({ kind: "duration", amount: 1, unit: "weeks" });
  });

  it("windows, with or without `per`", () => {
    expect(stripSpans(parseWindowText("14 days", origin).value)).toEqual({ kind: "rolling", amount: 14, unit: "days" });
    expect(stripSpans(parseWindowText("24 hours", origin).value)).toEqual({ kind: "rolling", amount: 24, unit: "hours" });
    expect(stripSpans(parseWindowText("day", origin).value)).toEqual({ kind: "calendar", unit: "day" });
    expect(stripSpans(parseWindowText("per week", origin).value)).toEqual({ kind: "calendar", unit: "week" });
  });

  it("conditions", () => {
    expect(stripSpans(parseConditionText('contact.role in ["analyst", "student"]', origin).value)).toEqual({
      kind: "in",
      negated: false,
      left: { kind: "path", segments: ["contact", "role"] },
      right: { kind: "list", items: [{ kind: "literal", value: "analyst" }, { kind: "literal", value: "student" }] },
    });
  });

  it("times of day and quiet hours in both spellings", () => {
    expect(stripSpans(parseTimeOfDayText("21:00", origin).value)).toEqual({ hour: 21, minute: 0 });
    const expected = { start: { hour: 21, minute: 0 }, end: { hour: 8, minute: 0 } };
    expect(stripSpans(parseQuietHoursText("21:00-08:00", origin).value)).toEqual(expected);
    expect(stripSpans(parseQuietHoursText("21:00 to 08:00", origin).value)).toEqual(expected);
  });

  it("`after:` values", () => {
    expect(stripSpans(parseAfterText("2 ignored touches", origin).value)).toEqual({ kind: "ignored", count: 2 });
    expect(stripSpans(parseAfterText("1 ignored touch", origin).value)).toEqual({ kind: "ignored", count: 1 });
    expect(stripSpans(parseAfterText("3 touches", origin).value)).toEqual({ kind: "touches", count: 3 });
    expect(stripSpans(parseAfterText("180 days", origin).value)).toEqual({
      kind: "elapsed",
      duration: { kind: "duration", amount: 180, unit: "days" },
    });
  });

  it("channel sets, with plurals mapped only when the declared channels are given", () => {
    expect(stripSpans(parseChannelSetText("any", origin).value)).toEqual({ kind: "all", word: "any" });
    expect(stripSpans(parseChannelSetText("touches", origin).value)).toEqual({ kind: "all", word: "touches" });
    expect(stripSpans(parseChannelSetText("email, call", origin).value)).toEqual({
      kind: "list",
      channels: [{ name: "email" }, { name: "call" }],
    });
    expect(stripSpans(parseChannelSetText("calls", origin, ["email", "call"]).value)).toEqual({
      kind: "list",
      channels: [{ name: "call" }],
    });
    expect(stripSpans(parseChannelSetText("calls", origin).value)).toEqual({ kind: "list", channels: [{ name: "calls" }] });
  });

  it("places spans absolutely: the first line shifted by the origin column, later lines from column 1", () => {
    const result = parseConditionText('a == 1 and\nb == "x"', origin);
    const expr = result.value as { left: { span: unknown }; right: { span: unknown } };
    expect(expr.left.span).toEqual({ file: "p.heed.yaml", line: 12, column: 19, endLine: 12, endColumn: 24, offset: 300, endOffset: 306 });
    expect(expr.right.span).toEqual({ file: "p.heed.yaml", line: 13, column: 1, endLine: 13, endColumn: 8, offset: 311, endOffset: 319 });
  });

  it("reports errors at their position in the file and gives no value", () => {
    const cases = [
      parseDurationText("4 hrs", origin),
      parseWindowText("per fortnight", origin),
      parseConditionText("contact.role ==", origin),
      parseTimeOfDayText("24:00", origin),
      parseQuietHoursText("21:00 08:00", origin),
      parseAfterText("2 ignored", origin),
      parseChannelSetText("email,", origin),
      parseDurationText("", origin),
      parseConditionText('x == "open', origin),
    ];
    expect(cases.map((r) => r.value)).toEqual(cases.map(() => undefined));
    expect(cases.map((r) => r.diagnostics.map((d) => `${at(d)} ${d.message}`))).toMatchInlineSnapshot(`
      [
        [
          "12:21 unknown duration unit \`hrs\` (write \`hours\`)",
        ],
        [
          "12:23 expected \`day\`, \`week\` or a duration such as \`24 hours\` after \`per\`, found \`fortnight\`",
        ],
        [
          "12:34 expected a value (a path such as \`contact.role\`, a string, a number, \`true\`, \`false\` or a list) after \`contact.role ==\`",
        ],
        [
          "12:19 invalid time of day \`24:00\` (write \`00:00\` for midnight)",
        ],
        [
          "12:25 expected \`to\` or \`-\` after \`21:00\`, found \`08:00\`",
        ],
        [
          "12:28 expected \`touches\` after \`2 ignored\`",
        ],
        [
          "12:25 expected a name after \`email,\`",
        ],
        [
          "12:19 expected a duration such as \`4 hours\`, found nothing",
        ],
        [
          "12:24 unclosed string \`"open\` (a string ends with \`"\` on the same line)",
        ],
      ]
    `);
  });

  it("never throws, whatever the text", () => {
    const texts = ["", " ", "}", "{{{", "((((", '"', "\\", "-", "--1", "1..2", "per", "not", "9999999999999999999999 days", "a".repeat(5000)];
    for (const text of texts) {
      for (const parse of [parseDurationText, parseWindowText, parseConditionText, parseTimeOfDayText, parseQuietHoursText, parseAfterText, parseChannelSetText]) {
        const result = parse(text, origin);
        expect(result.value === undefined ? result.diagnostics.length > 0 : true).toBe(true);
      }
    }
  });
});

/** Completion offers the declared vocabulary (spec 8.1): the declared attributes after `contact.`, a declared signal's props in its `where`. */

import { describe, expect, it } from "vitest";
import { completeDsl, vocabularyOf } from "../../src/adapters/lsp/completion.js";
import { analyseDocument } from "../../src/adapters/lsp/document.js";

const TEXT = `cadence "x" {
  channels email, call

  attributes {
    customer: boolean
    role: string
  }

  signals {
    reply { sentiment: "positive" | "negative", asks: string }
    webinar_attended
  }

  never call when contact.customer == true
  never call without reply where asks == "less"
}
`;

function labelsAt(text: string, marker: string): string[] {
  const offset = text.indexOf(marker) + marker.length;
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  const character = offset - before.lastIndexOf("\n") - 1;
  const analysis = analyseDocument("file:///x.heed", 1, TEXT, "x.heed", {});
  return completeDsl(text, offset, { line, character }, vocabularyOf(analysis, undefined)).map((i) => i.label);
}

describe("completion of the declared vocabulary", () => {
  it("`contact.` offers the declared attributes", () => {
    const text = TEXT.replace("contact.customer == true", "contact.");
    expect(labelsAt(text, "when contact.")).toEqual(expect.arrayContaining(["customer", "role"]));
  });

  it("a declared signal's `where` offers its declared props, not the built-in ones it left out", () => {
    const text = TEXT.replace('where asks == "less"', "where ");
    const labels = labelsAt(text, "reply where ");
    expect(labels).toEqual(expect.arrayContaining(["sentiment", "asks"]));
    expect(labels).not.toContain("prefers");
  });

  it("declared signals are offered after `on`", () => {
    const text = TEXT.replace("  never call when", "  on \n  never call when");
    expect(labelsAt(text, "  on ")).toContain("webinar_attended");
  });
});

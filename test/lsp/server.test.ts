/**
 * `heed lsp` driven over stdio as an editor drives it: diagnostics are
 * `heed check`'s, at the same lines and columns; completion, hover,
 * navigation, rename, formatting, quick fixes and code lenses do what a user
 * sees them do.
 */

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { CompletionItem, Diagnostic as LspDiagnostic } from "vscode-languageserver-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePolicy, compile, evaluate, stripSpans } from "../../src/index.js";
import { heed, ROOT, workspace } from "../cli/helpers.js";
import { applyEdits, LspClient, positionIn } from "./client.js";

const EXAMPLES = join(ROOT, "examples");
const INBOUND = readFileSync(join(EXAMPLES, "inbound.heed"), "utf8");

const ERRORS_DSL = `cadence "errors" {
  channels email, call
  start stage prospecting {
    allow email, cal
    after 2 ignored touches move to nurtur
  }
  stage nurture {
    allow email
    after 30 days move to closed
  }
  stage nurture { allow call }
  final stage closed
}
`;

const WARNINGS_DSL = `# a cadence with mistakes that compile
cadence "warnings" {
  channels email, call
  start stage prospecting {
    allow email, call
    on unsubscribed move to closed
    after 3 ignored touches move to limbo
  }
  stage limbo { allow email }
  stage orphan {
    allow call
    after 10 days move to closed
  }
  final stage closed
}
`;

const ERRORS_YAML = `cadence: yaml-errors
channels: [email, call]
start: prospecting
stages:
  prospecting:
    allow: [email, cal]
    transitions:
      - { after: 2 ignored touches, moveTo: nurtur }
  nurture:
    allow: [email]
    transitions:
      - { after: 30 days, moveTo: closed }
  closed: { final: true }
`;

const WARNINGS_YAML = `cadence: yaml-warnings
channels: [email, call]
start: prospecting
stages:
  prospecting:
    allow: [email, call]
    transitions:
      - { on: unsubscribed, moveTo: closed }
      - { after: 3 ignored touches, moveTo: limbo }
  limbo: { allow: [email] }
  closed: { final: true }
rules:
  - { atMost: 2, of: touches, per: 7 days }
`;

/** What `heed check --format json` and the server agree on, one diagnostic at a time. */
interface Seen {
  code: string;
  severity: "error" | "warning";
  message: string;
  hint: string | undefined;
  start: [number, number];
  end: [number, number];
}

interface CheckJson {
  diagnostics: {
    file: string;
    severity: "error" | "warning";
    code: string;
    message: string;
    hint?: string;
    span?: { line: number; column: number; endLine: number; endColumn: number };
  }[];
  silentContacts: { file: string; summary: string; visits: { stage: string; touches: number; days: number }[] }[];
}

/** `heed check`'s diagnostics of one file, with LSP's 0-based, end-exclusive positions. */
function fromCheck(report: CheckJson, file: string): Seen[] {
  return report.diagnostics
    .filter((d) => d.file === file)
    .map((d) => ({
      code: d.code,
      severity: d.severity,
      message: d.message,
      hint: d.hint,
      start: [(d.span?.line ?? 1) - 1, (d.span?.column ?? 1) - 1] as [number, number],
      end: [(d.span?.endLine ?? 1) - 1, d.span?.endColumn ?? 1] as [number, number],
    }));
}

function fromLsp(diagnostics: readonly LspDiagnostic[]): Seen[] {
  return diagnostics.map((d) => {
    const [message = "", ...hint] = (typeof d.message === "string" ? d.message : d.message.value).split("\n");
    return {
      code: String(d.code),
      severity: d.severity === 1 ? "error" : "warning",
      message,
      hint: hint.length === 0 ? undefined : hint.join("\n"),
      start: [d.range.start.line, d.range.start.character] as [number, number],
      end: [d.range.end.line, d.range.end.character] as [number, number],
    };
  });
}

function sorted(list: Seen[]): Seen[] {
  const key = (d: Seen): string => `${d.code} ${d.message}`;
  return [...list].sort((a, b) => a.start[0] - b.start[0] || a.start[1] - b.start[1] || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function labels(items: readonly CompletionItem[]): string[] {
  return items.map((i) => i.label);
}

describe("heed lsp on the command line", () => {
  it("takes no files: the editor sends them", () => {
    const run = heed(["lsp", "inbound.heed"], EXAMPLES);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("heed lsp: unexpected `inbound.heed`: the server takes no files (the editor sends them)");
  });
});

describe("heed lsp over stdio", () => {
  let dir: string;
  let client: LspClient;
  const files: Record<string, string> = {
    "errors.heed": ERRORS_DSL,
    "warnings.heed": WARNINGS_DSL,
    "errors.heed.yaml": ERRORS_YAML,
    "warnings.heed.yaml": WARNINGS_YAML,
    "inbound.heed": INBOUND,
  };
  const uri = (name: string): string => pathToFileURL(join(dir, name)).href;

  beforeAll(async () => {
    dir = workspace(files);
    client = await LspClient.start(dir);
  });

  afterAll(async () => {
    expect(await client.stop()).toBe(0);
  });

  describe("diagnostics are heed check's, at the same lines and columns", () => {
    let report: CheckJson;
    beforeAll(() => {
      const run = heed(["check", "--format", "json", ...Object.keys(files)], dir);
      expect(run.code).toBe(1);
      report = JSON.parse(run.stdout) as CheckJson;
    });

    for (const name of ["errors.heed", "warnings.heed", "errors.heed.yaml", "warnings.heed.yaml", "inbound.heed"]) {
      it(`for ${name}`, async () => {
        const first = await client.openDocument(uri(name), files[name] as string);
        const expected = fromCheck(report, name);
        // A policy with errors gets no silent-contact run: its first diagnostics are all there is.
        const settled = name.startsWith("errors") ? first.params.diagnostics : await client.settledDiagnostics(uri(name), 1);
        expect(sorted(fromLsp(settled))).toEqual(sorted(expected));
        // the DSL file's stages set no limit (`unbounded-pursuit`); the YAML file's do, and its silent contact stays in `limbo`
        if (name.startsWith("warnings")) expect(expected.map((d) => d.code)).toContain(name.endsWith(".yaml") ? "silent-pursuit" : "unbounded-pursuit");
        if (name.startsWith("errors")) expect(expected.map((d) => d.code)).toEqual(expect.arrayContaining(["unknown-channel", "unknown-stage"]));
      });
    }

    it("names the first declaration of a duplicate as a related line", async () => {
      const duplicate = client.lastDiagnostics(uri("errors.heed")).find((d) => d.code === "duplicate-stage");
      expect(duplicate?.range.start).toEqual({ line: 10, character: 8 });
      expect(duplicate?.relatedInformation).toEqual([
        { location: { uri: uri("errors.heed"), range: { start: { line: 6, character: 8 }, end: { line: 6, character: 15 } } }, message: "first declared" },
      ]);
    });
  });

  it("keeps the silent-contact warnings on their stage while the new run is going, then replaces them", async () => {
    const moved = `# one more comment line\n${WARNINGS_DSL}`;
    const first = await client.change(uri("warnings.heed"), moved);
    // Published before the new run can be done: the previous warning, moved with its stage.
    const carried = first.params.diagnostics.find((d) => d.code === "unbounded-pursuit");
    expect(carried?.range.start).toEqual(positionIn(moved, "stage prospecting", 6));
    const settled = await client.settledDiagnostics(uri("warnings.heed"));
    expect(settled.find((d) => d.code === "unbounded-pursuit")?.range.start).toEqual(positionIn(moved, "stage prospecting", 6));
    // `prospecting` and `limbo` allow channels no limit bounds: one warning each
    expect(settled.filter((d) => d.code === "unbounded-pursuit").map((d) => d.range.start.line)).toEqual(
      [positionIn(moved, "stage prospecting", 6).line, positionIn(moved, "stage limbo", 6).line].sort((a, b) => a - b),
    );
  });

  it("gives the same diagnostics as heed check for every example policy", async () => {
    const names = readdirSync(EXAMPLES).filter((f) => /\.heed$|\.heed\.yaml$/.test(f));
    const run = heed(["check", "--format", "json", ...names], EXAMPLES);
    const report = JSON.parse(run.stdout) as CheckJson;
    for (const name of names) {
      const text = readFileSync(join(EXAMPLES, name), "utf8");
      const exampleUri = pathToFileURL(join(EXAMPLES, name)).href;
      const first = await client.openDocument(exampleUri, text);
      const settled = report.silentContacts.some((s) => s.file === name) ? await client.settledDiagnostics(exampleUri, 1) : first.params.diagnostics;
      expect({ name, diagnostics: sorted(fromLsp(settled)) }).toEqual({ name, diagnostics: sorted(fromCheck(report, name)) });
    }
  });

  describe("completion", () => {
    it("lists the stages after `move to`, and nothing else", async () => {
      const text = INBOUND.replace("    on reply move to engaged\n  }", "    on reply move to engaged\n    on meeting_booked move to \n  }");
      const published = await client.change(uri("inbound.heed"), text);
      expect(published.params.diagnostics.length).toBeGreaterThan(0); // the line is incomplete
      const items = await client.completion(uri("inbound.heed"), positionIn(text, "on meeting_booked move to ", "on meeting_booked move to ".length));
      expect(labels(items).sort()).toEqual(["closed", "email-only", "engaged", "nurture", "prospecting"]);
      const typed = text.replace("on meeting_booked move to \n", "on meeting_booked move to nu\n");
      await client.change(uri("inbound.heed"), typed);
      const partial = await client.completion(uri("inbound.heed"), positionIn(typed, "move to nu", "move to nu".length));
      expect(labels(partial)).toContain("nurture");
      const edit = partial.find((i) => i.label === "nurture")?.textEdit;
      expect(edit && "range" in edit ? edit.range : undefined).toEqual({
        start: positionIn(typed, "move to nu", "move to ".length),
        end: positionIn(typed, "move to nu", "move to nu".length),
      });
    });

    it("offers the keywords the grammar allows next, and the declared channels in a channel list", async () => {
      const text = INBOUND.replace("  only business days\n", "  only business days\n  never sms \n  at most 2 \n");
      await client.change(uri("inbound.heed"), text);
      const afterChannel = labels(await client.completion(uri("inbound.heed"), positionIn(text, "never sms ", "never sms ".length)));
      expect(afterChannel).toEqual(expect.arrayContaining(["without", "after", "within", "when", "tagged"]));
      expect(afterChannel).not.toContain("move");
      const afterCount = labels(await client.completion(uri("inbound.heed"), positionIn(text, "at most 2 ", "at most 2 ".length)));
      expect(afterCount).toEqual(expect.arrayContaining(["email", "call", "sms", "linkedin", "calendar-invite", "touches", "any"]));
    });

    it("offers signals after `on`, counters and paths in conditions, and the rule forms as snippets at a statement's start", async () => {
      const text = INBOUND.replace("  only business days\n", "  only business days\n  on \n  never call when \n  at most 1 sms per day\n  \n");
      await client.change(uri("inbound.heed"), text);
      const signals = labels(await client.completion(uri("inbound.heed"), positionIn(text, "  on \n", 5)));
      expect(signals).toEqual(expect.arrayContaining(["reply", "unsubscribe", "content_download", "meeting_booked"]));
      const condition = labels(await client.completion(uri("inbound.heed"), positionIn(text, "never call when \n", "never call when ".length)));
      expect(condition).toEqual(expect.arrayContaining(["ignored", "touches", "total_touches", "time_in_stage", "contact.", "touch.", "not", "exists"]));
      const start = await client.completion(uri("inbound.heed"), positionIn(text, "per day\n  \n", "per day\n  ".length));
      const snippets = start.filter((i) => i.kind === 15).map((i) => i.label);
      expect(snippets).toEqual(expect.arrayContaining(["never … without …", "at most … per …", "quiet hours … to …", "on SIGNAL move to …", "stage … { … }"]));
      expect(labels(start)).toEqual(expect.arrayContaining(["never", "at", "quiet", "only", "stage", "on", "after"]));
    });

    it("offers stage names after `moveTo:` in YAML", async () => {
      const yaml = readFileSync(join(EXAMPLES, "inbound.heed.yaml"), "utf8");
      const yamlUri = uri("typing.heed.yaml");
      await client.openDocument(yamlUri, yaml);
      const text = yaml.replace("      - { on: reply, moveTo: engaged }", "      - { on: meeting_booked, moveTo:  }");
      await client.change(yamlUri, text);
      const items = labels(await client.completion(yamlUri, positionIn(text, "moveTo:  }", "moveTo: ".length)));
      expect(items.sort()).toEqual(["closed", "email-only", "engaged", "nurture", "prospecting"]);
    });
  });

  describe("hover", () => {
    it("gives a rule's description in the engine's words: those its reasons begin with", async () => {
      await client.change(uri("inbound.heed"), INBOUND);
      const hover = await client.hover(uri("inbound.heed"), positionIn(INBOUND, "at most 1 call per day", 5));
      const value = hover !== null && typeof hover.contents === "object" && "value" in hover.contents ? hover.contents.value : "";
      expect(value.split("\n")[0]).toBe("**rule `policy.at-most.2`**: at most 1 `call` per day");
      // The same words start the reason the engine gives when the rule holds a call back.
      const policy = parsePolicy(INBOUND, { file: "inbound.heed" }).policy!;
      const decision = evaluate(compile(policy), {
        contact: { id: "c", timezone: "America/New_York", attributes: { role: "marketer" } },
        history: [{ type: "touch", channel: "call", at: "2026-03-03T10:00:00-05:00" }],
        touch: { channel: "call" },
        at: "2026-03-03T11:00:00-05:00",
      });
      const reason = decision.reasons.find((r) => r.rule === "policy.at-most.2");
      expect(reason?.message.startsWith("at most 1 `call` per day")).toBe(true);
      expect(value).toContain("reason code `at-most`");
    });

    it("gives a stage's silent-contact stay and a signal's built-in meaning", async () => {
      await client.settledDiagnostics(uri("inbound.heed"));
      const stage = await client.hover(uri("inbound.heed"), positionIn(INBOUND, "stage nurture", "stage nur".length));
      const stageText = stage !== null && typeof stage.contents === "object" && "value" in stage.contents ? stage.contents.value : "";
      expect(stageText).toContain("a contact who never answers: 12 emails over 180 days → closed");
      const signal = await client.hover(uri("inbound.heed"), positionIn(INBOUND, "on unsubscribe", 5));
      const signalText = signal !== null && typeof signal.contents === "object" && "value" in signal.contents ? signal.contents.value : "";
      expect(signalText).toContain("built in: the contact opted out");
    });
  });

  describe("navigation and rename", () => {
    const RENAME = `# nurture: the stage for the quiet ones
cadence "rename" {
  channels email, call
  start stage prospecting {
    allow email, call
    at most 2 calls per day
    after 2 ignored touches move to nurture
  }
  stage nurture {
    allow email
    never any tagged "nurture" when total_touches > 20
    after 30 days move to nurture-later
  }
  stage nurture-later {
    allow email
    after 90 days move to closed
  }
  final stage closed
  on reply move to nurture
}
`;

    it("goes to a stage's declaration and finds every reference", async () => {
      await client.openDocument(uri("rename.heed"), RENAME);
      const from = positionIn(RENAME, "move to nurture\n", "move to ".length);
      expect(await client.definition(uri("rename.heed"), from)).toEqual([
        { uri: uri("rename.heed"), range: { start: positionIn(RENAME, "stage nurture {", 6), end: positionIn(RENAME, "stage nurture {", 13) } },
      ]);
      const refs = await client.references(uri("rename.heed"), from);
      expect(refs.map((r) => r.range.start.line).sort((a, b) => a - b)).toEqual([6, 8, 18]);
    });

    it("renames a stage in every reference and nowhere else", async () => {
      const edit = await client.rename(uri("rename.heed"), positionIn(RENAME, "stage nurture {", 8), "cooling");
      const after = applyEdits(RENAME, edit?.changes?.[uri("rename.heed")] ?? []);
      expect(after).toBe(
        RENAME.replace("move to nurture\n  }", "move to cooling\n  }")
          .replace("stage nurture {", "stage cooling {")
          .replace("on reply move to nurture", "on reply move to cooling"),
      );
      // The comment, the tag and `nurture-later` are untouched; the policy is the same but for the name.
      expect(after).toContain("# nurture: the stage");
      expect(after).toContain('tagged "nurture"');
      expect(after).toContain("stage nurture-later");
      const before = stripSpans(parsePolicy(RENAME, { file: "rename.heed" }).policy!);
      const renamed = stripSpans(parsePolicy(after, { file: "rename.heed" }).policy!);
      expect(JSON.stringify(renamed)).toBe(JSON.stringify(before).replace(/"nurture"(?=[,}])/g, '"cooling"').replace('"tagged":{"value":"cooling"}', '"tagged":{"value":"nurture"}'));
    });

    it("renames a channel written in the plural after a count, keeping the plural", async () => {
      const edit = await client.rename(uri("rename.heed"), positionIn(RENAME, "channels email, call", "channels email, ".length), "phone");
      const after = applyEdits(RENAME, edit?.changes?.[uri("rename.heed")] ?? []);
      expect(after).toBe(RENAME.replace("channels email, call", "channels email, phone").replace("allow email, call", "allow email, phone").replace("2 calls per day", "2 phones per day"));
    });

    it("renames a stage in YAML, the `start:` line included, and refuses a name that is taken", async () => {
      const edit = await client.rename(uri("errors.heed.yaml"), positionIn(ERRORS_YAML, "  prospecting:", 4), "first-contact");
      const after = applyEdits(ERRORS_YAML, edit?.changes?.[uri("errors.heed.yaml")] ?? []);
      expect(after).toBe(ERRORS_YAML.replace("start: prospecting", "start: first-contact").replace("  prospecting:", "  first-contact:"));
      await expect(client.rename(uri("errors.heed.yaml"), positionIn(ERRORS_YAML, "  prospecting:", 4), "nurture")).rejects.toThrow("a stage named `nurture` already exists");
      await expect(client.prepareRename(uri("warnings.heed"), positionIn(WARNINGS_DSL, "on unsubscribed", 5))).rejects.toThrow("only a stage, a channel or a named rule can be renamed");
    });

    it("lists stages with their rules and transitions in the outline", async () => {
      const symbols = await client.documentSymbols(uri("inbound.heed"));
      expect(symbols.slice(0, 5).map((s) => s.name)).toEqual(["prospecting", "nurture", "engaged", "email-only", "closed"]);
      expect(symbols[1]?.children?.map((c) => c.name)).toEqual(["at most 1 `email` per 14 days", "on reply move to engaged", "after 180 days move to closed"]);
      expect(symbols.map((s) => s.name)).toEqual(expect.arrayContaining(["no-cold-invites", "let-them-read", "on unsubscribe move to closed"]));
    });
  });

  describe("the policy's test files", () => {
    const PACE = `cadence "pace" {
  channels email, call
  start stage reaching {
    allow email, call
    rule slow-calls: at most 1 call per day
    after 3 ignored touches move to resting
  }
  final stage resting
}
`;
    const PACE_TEST = `policy: pace.heed
cases:
  - name: a second call the same day waits
    contact: { id: c1, timezone: UTC }
    history:
      - { type: touch, channel: call, at: "2026-03-03T09:00:00Z" }
    at: "2026-03-03T10:00:00Z"
    touch: { channel: call }
    expect: { verdict: defer, stage: reaching, rules: [slow-calls] }
  - name: three ignored touches rest the contact
    contact: { id: c2, timezone: UTC }
    history:
      - { type: touch, channel: email, at: "2026-03-02T09:00:00Z" }
      - { type: touch, channel: "call", at: "2026-03-06T09:00:00Z" }
      - { type: touch, channel: email, at: "2026-03-10T09:00:00Z" }
    at: "2026-03-20T09:00:00Z"
    touch: { channel: email }
    expect:
      verdict: deny
      stage: resting
`;
    const paced = (name: string): string => join(dir, "paced", name);

    it("are found by references and changed by rename, and still pass", async () => {
      mkdirSync(paced(""), { recursive: true });
      writeFileSync(paced("pace.heed"), PACE);
      writeFileSync(paced("pace.test.yaml"), PACE_TEST);
      expect(heed(["test", "pace.test.yaml"], paced("")).code).toBe(0);
      const policyUri = pathToFileURL(paced("pace.heed")).href;
      const testUri = pathToFileURL(paced("pace.test.yaml")).href;
      await client.openDocument(policyUri, PACE);

      const refs = await client.references(policyUri, positionIn(PACE, "final stage resting", "final stage ".length));
      expect(refs.filter((r) => r.uri === testUri).map((r) => r.range)).toEqual([
        { start: positionIn(PACE_TEST, "stage: resting", 7), end: positionIn(PACE_TEST, "stage: resting", 14) },
      ]);

      let policy = PACE;
      let tests = PACE_TEST;
      const renames: [string, number, string][] = [
        ["stage reaching", 6, "first-reach"],
        ["rule slow-calls", 5, "one-call-a-day"],
        ["channels email, call", "channels email, ".length, "phone"],
      ];
      for (const [needle, shift, newName] of renames) {
        const edit = await client.rename(policyUri, positionIn(policy, needle, shift), newName);
        policy = applyEdits(policy, edit?.changes?.[policyUri] ?? []);
        tests = applyEdits(tests, edit?.changes?.[testUri] ?? []);
        await client.change(policyUri, policy);
        writeFileSync(paced("pace.heed"), policy);
        writeFileSync(paced("pace.test.yaml"), tests);
      }
      expect(tests).toBe(
        PACE_TEST.replace("stage: reaching", "stage: first-reach")
          .replace("[slow-calls]", "[one-call-a-day]")
          .replaceAll("channel: call", "channel: phone")
          .replace('channel: "call"', 'channel: "phone"'),
      );
      const run = heed(["test", "pace.test.yaml"], paced(""));
      expect(run.stdout).toContain("2 cases: 2 passed, 0 failed");
      expect(run.code).toBe(0);
    });
  });

  it("formats as heed fmt does, comments kept", async () => {
    const messy = `# the policy
cadence   "messy" {
channels email,call   # two channels
      start stage a { allow email
  after 2 ignored touches move to b }
  final stage b
at most 3 touches per 7 days
}
`;
    await client.openDocument(uri("messy.heed"), messy);
    const edits = await client.formatting(uri("messy.heed"));
    const formatted = applyEdits(messy, edits);
    const run = heed(["fmt", "messy.heed"], workspace({ "messy.heed": messy }));
    expect(run.code).toBe(0);
    expect(formatted).toBe(run.stdout);
    expect(formatted).toContain("# two channels");
    await client.change(uri("messy.heed"), formatted);
    expect(await client.formatting(uri("messy.heed"))).toEqual([]);
  });

  it("answers heed/graph with the Mermaid text heed graph prints, of the open text", async () => {
    await client.change(uri("inbound.heed"), INBOUND);
    const graph = (await client.connection.sendRequest("heed/graph", { uri: uri("inbound.heed") })) as { mermaid?: string; error?: string };
    const run = heed(["graph", "inbound.heed", "--format", "mermaid"], EXAMPLES);
    expect(graph.mermaid).toBe(run.stdout);
    const broken = (await client.connection.sendRequest("heed/graph", { uri: uri("errors.heed") })) as { mermaid?: string; error?: string };
    expect(broken).toEqual({ error: "the policy has errors: fix them to see its graph" });
  });

  describe("quick fixes", () => {
    it("fixes a misspelled keyword with the did-you-mean suggestion", async () => {
      const text = INBOUND.replace("  never call when", "  nevr call when");
      const published = await client.change(uri("inbound.heed"), text);
      const syntax = published.params.diagnostics.filter((d) => d.code === "syntax");
      expect(syntax.map((d) => d.message)).toEqual(["unknown word `nevr` (did you mean `never`?)"]);
      const actions = await client.codeActions(uri("inbound.heed"), syntax);
      const fix = actions.find((a) => a.title === "change `nevr` to `never`");
      const fixed = applyEdits(text, fix?.edit?.changes?.[uri("inbound.heed")] ?? []);
      expect(fixed).toBe(INBOUND);
      const after = await client.change(uri("inbound.heed"), fixed);
      expect(after.params.diagnostics).toEqual([]);
    });

    it("fixes an unknown stage and an unknown channel, in both forms", async () => {
      for (const [name, text] of [["errors.heed", ERRORS_DSL], ["errors.heed.yaml", ERRORS_YAML]] as const) {
        const diagnostics = client.lastDiagnostics(uri(name));
        const unknown = diagnostics.filter((d) => d.code === "unknown-stage" || d.code === "unknown-channel");
        expect(unknown).toHaveLength(2);
        const edits = [];
        for (const d of unknown) {
          const [fix] = (await client.codeActions(uri(name), [d])).filter((a) => a.isPreferred === true);
          edits.push(...(fix?.edit?.changes?.[uri(name)] ?? []));
        }
        const fixed = applyEdits(text, edits);
        expect(fixed).toBe(text.replace("cal]", "call]").replace(", cal\n", ", call\n").replace("nurtur ", "nurture ").replace("nurtur\n", "nurture\n"));
      }
    });
  });

  it("shows over each stage what a contact who never answers goes through there", async () => {
    await client.change(uri("inbound.heed"), INBOUND);
    await client.settledDiagnostics(uri("inbound.heed"));
    const lenses = await client.codeLenses(uri("inbound.heed"));
    const byLine = new Map(lenses.map((l) => [l.range.start.line, l.command?.title]));
    expect(byLine.get(positionIn(INBOUND, "start stage prospecting").line)).toBe("silent contact: 3 emails over 5 days → nurture");
    expect(byLine.get(positionIn(INBOUND, "stage nurture").line)).toBe("silent contact: 12 emails over 180 days → closed");
    expect(byLine.get(positionIn(INBOUND, "stage engaged").line)).toBe("silent contact: never gets here");
    expect(byLine.get(positionIn(INBOUND, "final stage closed").line)).toBe("silent contact: ends here after 185 days");
    // The same path heed check reports.
    const run = heed(["check", "--format", "json", "inbound.heed"], EXAMPLES);
    const visits = (JSON.parse(run.stdout) as CheckJson).silentContacts[0]?.visits ?? [];
    expect(visits.map((v) => v.stage)).toEqual(["prospecting", "nurture", "closed"]);
    expect(visits[0]).toMatchObject({ touches: 3, days: 5 });
  });
});

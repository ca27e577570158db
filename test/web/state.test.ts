/**
 * The playground's logic outside the browser: the link that holds the whole
 * state, and the channel strips the workbench draws (each segment is what
 * `evaluate` says).
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, parsePolicy } from "../../src/index.js";
import { checkPolicy } from "../../web/src/check.js";
import { decodeState, encodeState, engineContact, initialState, StateLinkError } from "../../web/src/state.js";
import { channelStrips, stripDifferences } from "../../web/src/strips.js";

const inbound = readFileSync(join(import.meta.dirname, "..", "..", "examples", "inbound.heed"), "utf8");

describe("the state in the link", () => {
  it("comes back whole from the fragment it is written to", async () => {
    const state = initialState(inbound, "dsl", { kind: "example", file: "inbound.heed" });
    state.baseline.text = inbound.replace("after 2 ignored", "after 3 ignored");
    state.contact.attributes.push({ name: "role", type: "string", value: "analyst" }, { name: "products", type: "list", value: "crm, cms" });
    state.contact.account = "acme";
    state.history.push({ type: "reply", at: "2026-03-04T19:15:00-05:00", sentiment: "positive" });
    const fragment = await encodeState(state);
    expect(fragment).toMatch(/^s=[A-Za-z0-9_-]+$/);
    expect(fragment.length).toBeLessThan(inbound.length * 2); // compressed: both texts and the rest
    expect(await decodeState(`#${fragment}`)).toEqual(state);
  });

  it("is absent from a fragment without it, and a damaged one is named", async () => {
    expect(await decodeState("")).toBeUndefined();
    expect(await decodeState("#section-2")).toBeUndefined();
    await expect(decodeState("#s=AAAA")).rejects.toThrow(StateLinkError);
    await expect(decodeState("#s=AAAA")).rejects.toThrow("the link's state is damaged (it may have been cut short when copied)");
    const bad = await encodeState({ ...initialState("x", "dsl"), history: [{ type: "reply" } as never] });
    await expect(decodeState(bad)).rejects.toThrow("the link's state has no valid `history[0]`");
  });

  it("gives the engine typed attributes", () => {
    const contact = engineContact({
      timezone: " Europe/Paris ",
      account: "",
      attributes: [
        { name: "customer", type: "boolean", value: "true" },
        { name: "score", type: "number", value: "42" },
        { name: "products", type: "list", value: "crm, , cms" },
        { name: "", type: "string", value: "ignored" },
      ],
    });
    expect(contact).toEqual({ id: "playground-contact", timezone: "Europe/Paris", attributes: { customer: true, score: 42, products: ["crm", "cms"] } });
  });
});

describe("the checks in the page", () => {
  it("say what heed check says about a policy, with the silent contact", () => {
    const result = checkPolicy(inbound, "dsl");
    expect(result.diagnostics).toEqual([]);
    expect(result.silentSummary).toBe(
      "a silent contact gets 3 emails over 5 days in `prospecting`, then 12 emails over 180 days in `nurture`, and ends in `closed` after 185 days",
    );
    expect(result.mermaid).toContain('state "prospecting" as');
  });

  it("honour `# heed-check: allow` lines as heed check does", () => {
    const text = readFileSync(join(import.meta.dirname, "..", "..", "examples", "compliance.heed"), "utf8");
    expect(checkPolicy(text, "dsl").diagnostics).toEqual([]);
    const codes = checkPolicy(text.replace(/^# heed-check:.*$/m, ""), "dsl").diagnostics.map((d) => d.code);
    expect(codes).toContain("unbounded-pursuit");
  });
});

describe("the channel strips", () => {
  const engine = compile(parsePolicy(inbound, { file: "inbound.heed" }).policy!);
  const contact = { id: "c", timezone: "America/New_York" };
  const from = Date.parse("2026-03-02T00:00:00-05:00");
  const to = Date.parse("2026-03-09T00:00:00-05:00");
  const history = [{ type: "content_download", at: "2026-03-03T10:17:00-05:00" }];

  it("are what evaluate decides at every instant, with each deferral ending at its notBefore", () => {
    const { strips, stages, error } = channelStrips(engine, { contact, history, channels: ["call"], from, to });
    expect(error).toBeUndefined();
    expect(stages).toEqual([{ from, to, stage: "prospecting", cause: "start" }]);
    const call = strips[0]!.segments;
    // contiguous, covering the window
    expect(call[0]!.from).toBe(from);
    expect(call[call.length - 1]!.to).toBe(to);
    for (let i = 1; i < call.length; i++) expect(call[i]!.from).toBe(call[i - 1]!.to);
    // every segment is evaluate's own answer at its start and just before its end
    for (const s of call) {
      for (const t of [s.from, s.to - 60_000]) {
        const d = engine.evaluate({ contact, history, touch: { channel: "call" }, at: new Date(t).toISOString() });
        expect(d.verdict, new Date(t).toISOString()).toBe(s.verdict);
      }
    }
    // the download defers calls for 4 hours: the wait ends exactly at 14:17
    const wait = call.find((s) => s.reasons.some((r) => r.rule === "let-them-read"))!;
    expect(wait.verdict).toBe("defer");
    expect(wait.from).toBe(Date.parse("2026-03-03T10:17:00-05:00"));
    expect(wait.to).toBe(Date.parse("2026-03-03T14:17:00-05:00"));
    expect(wait.notBefore).toBe("2026-03-03T19:17:00Z");
  });

  it("follow the contact through its stages", () => {
    const touches = [
      { type: "touch", channel: "email", at: "2026-03-02T10:00:00-05:00" },
      { type: "touch", channel: "email", at: "2026-03-04T10:00:00-05:00" },
    ];
    const { stages } = channelStrips(engine, { contact, history: touches, channels: ["email"], from, to });
    expect(stages.map((s) => [s.stage, new Date(s.from).toISOString()])).toEqual([
      ["prospecting", "2026-03-02T05:00:00.000Z"],
      ["nurture", "2026-03-07T15:00:00.000Z"],
    ]);
  });

  it("report the engine's refusal of a contact instead of throwing", () => {
    const result = channelStrips(engine, { contact: { id: "c", timezone: "Mars/Olympus" }, history, channels: ["call"], from, to });
    expect(result.strips).toEqual([]);
    expect(result.error).toMatch(/^unknown time zone `Mars\/Olympus` in `contact.timezone`/);
  });

  it("show where a baseline decides differently", () => {
    const baseline = compile(parsePolicy(inbound.replace("within 4 hours of", "within 2 hours of"), { file: "b.heed" }).policy!);
    const input = { contact, history, channels: ["call", "email"], from, to };
    const differences = stripDifferences(channelStrips(baseline, input).strips, channelStrips(engine, input).strips);
    expect(differences.map((d) => [d.channel, new Date(d.from).toISOString(), new Date(d.to).toISOString(), d.before.verdict, d.after.verdict])).toEqual([
      ["call", "2026-03-03T15:17:00.000Z", "2026-03-03T17:17:00.000Z", "defer", "defer"],
      ["call", "2026-03-03T17:17:00.000Z", "2026-03-03T19:17:00.000Z", "allow", "defer"],
    ]);
  });
});

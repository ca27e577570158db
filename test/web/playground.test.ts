/**
 * The playground in a real browser (Chromium from the distribution, driven
 * by playwright-core), on the page `npm run build` puts in dist/web/: type a
 * policy with a mistake and see the diagnostic at its line, fix it and see
 * the stages in the drawn diagram, add a reply on the workbench and see a
 * channel strip change, open the shared link and find the same state,
 * compare with a baseline; no request leaves the page's origin, and axe
 * finds no serious accessibility violation. Each step leaves a screenshot
 * in test-results/web/.
 *
 * @module
 */

import { AxeBuilder } from "@axe-core/playwright";
import { existsSync, mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultPlaygroundRoot, playgroundHandler } from "../../src/adapters/http/playground.js";
import { launchChromium } from "./browser.js";

// The callbacks given to `page.evaluate` run in the page; this program is compiled
// without the DOM library, so the little of it they use is declared here.
interface HTMLElement {
  id: string;
  className: string;
  tagName: string;
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  parentElement: HTMLElement | null;
  children: ArrayLike<HTMLElement>;
  getAttribute(name: string): string | null;
  closest(selector: string): HTMLElement | null;
  querySelector(selector: string): HTMLElement | null;
}
declare const document: {
  activeElement: HTMLElement | null;
  querySelector(selector: string): HTMLElement | null;
  querySelectorAll(selector: string): ArrayLike<HTMLElement>;
};
declare const window: unknown;

const root = join(import.meta.dirname, "..", "..");
const shots = join(root, "test-results", "web");

/** Line 5 names a stage that does not exist. */
const POLICY_WITH_MISTAKE = [
  'cadence "trial" {',
  "channels email, call, calendar-invite",
  "start stage outreach {",
  "allow email, call, calendar-invite",
  "after 2 ignored touches move to nurtur",
  "on reply move to talking",
  "}",
  "stage nurture { allow email at most 1 email per 14 days after 90 days move to closed }",
  "stage talking { allow email, call, calendar-invite }",
  "final stage closed",
  "on unsubscribe move to closed",
  "rule no-cold-invites: never calendar-invite without reply",
  "at most 3 touches per 7 days",
  "}",
].join("\n");

let server: Server;
let origin: string;
let browser: { context: BrowserContext; close(): Promise<void> };
const requests: string[] = [];
const pageErrors: string[] = [];

async function openPage(url: string): Promise<Page> {
  const page = await browser.context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(message.text());
  });
  await page.goto(url);
  await page.waitForSelector("body[data-ready]");
  await page.waitForSelector("#diagram svg");
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** The verdicts of a channel's strip, left to right, with where each starts. */
async function strip(page: Page, channel: string): Promise<{ verdict: string; from: number }[]> {
  return page.$$eval(`.strip[data-channel="${channel}"] .seg`, (nodes) =>
    nodes.map((n) => ({ verdict: (n as HTMLElement).dataset.verdict ?? "", from: Number((n as HTMLElement).dataset.from) })),
  );
}

/** axe's serious and critical violations on the page as it is. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page: page as never }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join("; ")})`);
}

/** The line (1-based) of the editor each error underline sits on. */
async function underlinedLines(page: Page): Promise<number[]> {
  return page.$$eval("#editor-policy .cm-lintRange-error", (marks) =>
    marks.map((mark) => {
      const line = mark.closest(".cm-line");
      return line ? [...(line.parentElement?.children ?? [])].indexOf(line) + 1 : 0;
    }),
  );
}

beforeAll(async () => {
  if (!existsSync(join(defaultPlaygroundRoot(), "index.html"))) throw new Error("dist/web/ is missing: `npm run build` builds the playground");
  mkdirSync(shots, { recursive: true });
  const handler = playgroundHandler();
  server = createServer((req, res) => {
    if (handler(req, res)) return;
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  browser.context.on("request", (request) => requests.push(request.url()));
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

describe("the playground in Chromium", () => {
  let page: Page;
  let link = "";
  let invitesAfterReply: { verdict: string; from: number }[] = [];

  it("loads with the inbound example checked, drawn and on the workbench", async () => {
    page = await openPage(`${origin}/`);
    await shot(page, "01-loaded");
    expect(await page.textContent("#problems-summary")).toBe("No problems: the policy checks clean.");
    expect(await page.textContent(".silent-summary")).toMatch(/^a silent contact gets 3 emails over 5 days in `prospecting`/);
    const labels = await page.$$eval("#diagram svg .nodeLabel, #diagram svg text", (n) => n.map((x) => x.textContent?.trim()));
    expect(labels).toEqual(expect.arrayContaining(["prospecting", "nurture", "engaged", "email-only", "closed"]));
    // the test case's contact is in `nurture` at its instant: that stage is the highlighted one
    expect(await page.getAttribute("#diagram", "data-stage")).toBe("nurture");
    expect(await page.$$eval("#diagram svg g.current", (n) => n.map((x) => x.textContent?.trim()))).toEqual(["nurture"]);
    expect(await page.$$eval(".strip", (n) => n.map((x) => (x as HTMLElement).dataset.channel))).toEqual(["email", "call", "sms", "linkedin", "calendar-invite"]);
  });

  it("opens the YAML form of the example with the same analysis", async () => {
    const silent = await page.textContent(".silent-summary");
    await page.selectOption("#open-policy", "example:inbound.heed.yaml");
    await expect.poll(() => page.inputValue("#format-policy")).toBe("yaml");
    await expect.poll(() => page.textContent("#origin")).toBe("inbound.heed.yaml");
    expect(await page.textContent("#problems-summary")).toBe("No problems: the policy checks clean.");
    await expect.poll(() => page.textContent(".silent-summary")).toBe(silent);
    await page.waitForFunction(() => document.querySelector("#diagram")?.getAttribute("data-state") === "drawn");
  });

  it("shows a typed mistake at its line: underlined, on hover, in the list", async () => {
    await page.click("#editor-policy .cm-content");
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.type(POLICY_WITH_MISTAKE);
    const problem = page.locator("#problems button.problem.error").first();
    await expect.poll(() => problem.getAttribute("data-line")).toBe("5");
    expect(await problem.textContent()).toContain("unknown stage `nurtur` (did you mean `nurture`?)");
    expect(await page.textContent("#problems-summary")).toBe("1 error");
    expect(await underlinedLines(page)).toEqual([5]);
    await page.hover("#editor-policy .cm-lintRange-error");
    await expect.poll(() => page.locator(".cm-tooltip-lint").textContent()).toContain("unknown stage `nurtur`");
    await shot(page, "02-diagnostic");
  });

  it("draws the fixed policy's stages in the SVG", async () => {
    await page.click("#editor-policy .cm-content");
    await page.keyboard.press("Control+Home");
    for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowDown");
    await page.keyboard.press("End");
    await page.keyboard.type("e");
    await expect.poll(() => page.textContent("#problems-summary")).toBe("No problems: the policy checks clean.");
    expect(await underlinedLines(page)).toEqual([]);
    await page.waitForFunction(() => document.querySelector("#diagram")?.getAttribute("data-state") === "drawn" && document.querySelector("#diagram svg")?.textContent?.includes("talking"));
    const labels = await page.$$eval("#diagram svg .nodeLabel, #diagram svg text", (n) => n.map((x) => x.textContent?.trim()));
    expect(labels).toEqual(expect.arrayContaining(["outreach", "nurture", "talking", "closed"]));
    expect(labels).not.toContain("prospecting");
    await shot(page, "03-diagram");
  });

  it("changes the calendar-invite strip when a reply is added on the history lane", async () => {
    const before = await strip(page, "calendar-invite");
    expect(new Set(before.map((s) => s.verdict))).toEqual(new Set(["deny"])); // never without a reply
    await page.selectOption("#event-kind", "reply");
    await page.selectOption("#reply-sentiment", "positive");
    const lane = (await page.locator("#history-lane").boundingBox())!;
    await page.locator("#history-lane").click({ position: { x: lane.width * 0.2, y: lane.height / 2 } }); // 2.8 days in: Wed 4 Mar, about 19:00
    await expect.poll(() => page.locator("#event-list li").count()).toBe(4);
    expect(await page.textContent("#event-list")).toMatch(/reply \(sentiment "positive"\) on Wed 4 Mar 1[89]:\d\d/);
    const reply = await page.evaluate(() => (window as unknown as { heedPlayground: { state: { history: { type: string; at: string }[] } } }).heedPlayground.state.history.find((e) => e.type === "reply")!.at);
    // before the reply: denied (no reply yet); from the reply's instant on: allowed (in `talking`)
    await expect.poll(async () => (await strip(page, "calendar-invite")).map((s) => s.verdict)).toEqual(["deny", "allow"]);
    invitesAfterReply = await strip(page, "calendar-invite");
    expect(invitesAfterReply[1]!.from).toBe(Date.parse(reply));
    await shot(page, "04-reply");
  });

  it("restores the whole state from the shared link", async () => {
    await page.click("#copy-link");
    await expect.poll(() => page.inputValue("#link-field")).toMatch(/#s=[A-Za-z0-9_-]+$/);
    link = await page.inputValue("#link-field");
    const restored = await openPage(link);
    const policyText = (p: Page): Promise<string> => p.evaluate(() => (window as unknown as { heedPlayground: { state: { policy: { text: string } } } }).heedPlayground.state.policy.text);
    expect(await policyText(restored)).toBe(await policyText(page));
    expect(await policyText(restored)).toContain("after 2 ignored touches move to nurture\n");
    expect(await restored.textContent("#event-list")).toEqual(await page.textContent("#event-list"));
    expect(await restored.inputValue("#timezone")).toBe("America/New_York");
    expect(await strip(restored, "calendar-invite")).toEqual(invitesAfterReply);
    await shot(restored, "05-restored");
    await restored.close();
  });

  it("compares with a baseline and shows the changes on the workbench's history", async () => {
    await page.click("#copy-to-baseline");
    await page.click("#editor-policy .cm-content");
    await page.keyboard.press("Control+Home");
    for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowDown");
    await page.keyboard.press("End");
    // `on reply move to talking` becomes `on reply move to nurture`
    const line = await page.evaluate(() => document.querySelectorAll("#editor-policy .cm-line")[5]?.textContent ?? "");
    expect(line).toBe("on reply move to talking");
    for (let i = 0; i < "talking".length; i++) await page.keyboard.press("Backspace");
    await page.keyboard.type("nurture");
    await expect.poll(() => page.textContent("#diff-status"), { timeout: 30_000 }).toMatch(/^\d+ kinds? of change/);
    expect(await page.locator("#diff-changes li").count()).toBeGreaterThan(0);
    // on the workbench's history, the reply now leads to nurture: calls and invites are no longer allowed after it
    await expect.poll(() => page.locator('.strip[data-channel="calendar-invite"] .difference').count()).toBe(1);
    expect(await page.locator('.strip[data-channel="call"] .difference').count()).toBeGreaterThan(0);
    expect(await page.textContent("#workbench-changes")).toMatch(/decide differently/);
    await shot(page, "06-diff");
    expect(await seriousViolations(page)).toEqual([]); // with the baseline strips and the changes listed
    await page.locator("#diff-changes li button").first().click();
    const report = await page.evaluate(() => (window as unknown as { heedPlayground: { diff: { report: { changes: { history: unknown[] }[] } } } }).heedPlayground.diff.report);
    await expect.poll(() => page.locator("#event-list li").count()).toBe(report.changes[0]!.history.length);
  });

  it("is usable by keyboard: editor, tabs and workbench controls are reached with Tab and named", async () => {
    await page.goto(`${origin}/`);
    await page.waitForSelector("#diagram svg");
    await page.focus("body");
    const reached: string[] = [];
    for (let i = 0; i < 120; i++) {
      await page.keyboard.press("Tab");
      reached.push(
        await page.evaluate(() => {
          const a = document.activeElement as HTMLElement | null;
          if (a === null) return "";
          return a.id || a.getAttribute("role") || a.className || a.tagName;
        }),
      );
    }
    for (const wanted of ["open-policy", "tab-policy", "textbox", "timezone", "account", "add-attribute", "event-kind", "history-lane", "axis-days", "at-input", "add-event", "button"]) {
      expect(reached, `Tab reaches ${wanted}`).toContain(wanted);
    }
    // a strip segment, then the arrow keys move along the strip
    const segment = page.locator('.strip[data-channel="email"] .seg[tabindex="0"]');
    await segment.focus();
    await page.keyboard.press("ArrowRight");
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.index)).toBe("1");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLElement).dataset.index)).toBe("1");
    // the baseline tab by the arrow key, as tabs are
    await page.focus("#tab-policy");
    await page.keyboard.press("ArrowRight");
    expect(await page.getAttribute("#tab-baseline", "aria-selected")).toBe("true");
    expect(await page.isVisible("#editor-baseline .cm-content")).toBe(true);
    await page.keyboard.press("ArrowLeft");
    expect(await page.getAttribute("#tab-policy", "aria-selected")).toBe("true");
    // Enter on the history lane adds the chosen event at the chosen instant
    const events = await page.locator("#event-list li").count();
    await page.focus("#history-lane");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#event-list li").count()).toBe(events + 1);
    expect(await page.getAttribute("#editor-policy .cm-content", "aria-label")).toBe("policy editor");
  });

  it("has no serious or critical accessibility violations (axe)", async () => {
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("never sends a request outside the page's origin, and logs no error", () => {
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.filter((url) => !url.startsWith(`${origin}/`))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

/**
 * `npm run bench:web`: the playground's numbers for BENCHMARKS.md, measured
 * in Chromium on the built page (dist/web/):
 *
 * - the bundle: what the page loads before the diagram, what the diagram
 *   adds (Mermaid's chunks for a state diagram), the diff worker, and the
 *   whole build, raw and gzip (level 9, as a static host would serve it);
 * - the time from a keystroke in the inbound policy to the diagnostic it
 *   causes on screen (the error underline, after the 80 ms pause the page
 *   waits for typing to stop), and back when the keystroke is undone.
 *
 * @module
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { defaultPlaygroundRoot, playgroundHandler } from "../src/adapters/http/playground.js";
import { launchChromium } from "../test/web/browser.js";

declare const document: {
  querySelector(selector: string): unknown;
  addEventListener(type: string, listener: () => void, capture: boolean): void;
};
declare const performance: { now(): number };
declare const requestAnimationFrame: (callback: () => void) => void;
declare const MutationObserver: new (callback: () => void) => { observe(target: unknown, options: Record<string, boolean>): void };
declare const window: { marks: { error: boolean; dom: number; painted: number; key: number }[]; keyAt: number; hadError: boolean };

const ROUNDS = Number(process.env.HEED_BENCH_ROUNDS ?? 30);
const root = defaultPlaygroundRoot();

function sizes(files: readonly string[]): { raw: number; gzip: number } {
  return files.reduce(
    (sum, file) => {
      const bytes = readFileSync(join(root, file));
      return { raw: sum.raw + bytes.length, gzip: sum.gzip + gzipSync(bytes, { level: 9 }).length };
    },
    { raw: 0, gzip: 0 },
  );
}

function allFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? allFiles(join(dir, name), `${prefix}${name}/`) : [`${prefix}${name}`]));
}

const kib = (n: number): string => `${(n / 1024).toFixed(n < 10_240 ? 1 : 0)} KiB`;
const show = (s: { raw: number; gzip: number }): string => `${kib(s.raw)} raw, ${kib(s.gzip)} gzip`;

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

const handler = playgroundHandler({ root });
const server = createServer((req, res) => {
  if (!handler(req, res)) res.writeHead(404).end();
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const browser = await launchChromium();
try {
  const page = await browser.context.newPage();
  const requested: string[] = [];
  page.on("request", (request) => requested.push(request.url()));
  await page.goto(`${origin}/`);
  await page.waitForSelector("#diagram svg");
  const withDiagram = [...new Set(requested.map((url) => new URL(url).pathname.replace(/^\//, "") || "index.html"))];

  // what the page needs before the diagram: index.html, the style sheet, main.js and the chunks it imports statically
  const main = readFileSync(join(root, "main.js"), "utf8");
  const staticChunks = [...main.matchAll(/from"\.\/(chunks\/[^"]+)"/g)].map((m) => m[1] as string);
  const page0 = ["index.html", "playground.css", "main.js", ...staticChunks];
  const diagramChunks = withDiagram.filter((f) => !page0.includes(f) && f !== "diff-worker.js");
  const worker = ["diff-worker.js", ...[...readFileSync(join(root, "diff-worker.js"), "utf8").matchAll(/from"\.\/(chunks\/[^"]+)"/g)].map((m) => m[1] as string).filter((c) => !page0.includes(c))];
  const everything = allFiles(root).filter((f) => !f.endsWith(".LEGAL.txt"));

  process.stdout.write(`bundle (dist/web/, gzip level 9):\n`);
  process.stdout.write(`  page before the diagram: ${show(sizes(page0))} (${page0.length} files)\n`);
  process.stdout.write(`  Mermaid for the diagram: ${show(sizes(diagramChunks))} (${diagramChunks.length} chunks, loaded on first draw)\n`);
  process.stdout.write(`  diff worker: ${show(sizes(worker))} (${worker.length} files, loaded on the first comparison)\n`);
  process.stdout.write(`  whole build: ${show(sizes(everything))} (${everything.length} files; Mermaid's other diagram types are never loaded)\n`);
  const foreign = requested.filter((url) => !url.startsWith(`${origin}/`));
  process.stdout.write(`  requests until the diagram is drawn: ${requested.length}, outside the page's origin: ${foreign.length}\n`);

  // keystroke -> diagnostic
  await page.evaluate(() => {
    window.marks = [];
    window.hadError = false;
    document.addEventListener("keydown", () => (window.keyAt = performance.now()), true);
    new MutationObserver(() => {
      const error = document.querySelector("#editor-policy .cm-lintRange-error") !== null;
      if (error === window.hadError) return;
      window.hadError = error;
      const dom = performance.now();
      const key = window.keyAt;
      requestAnimationFrame(() => window.marks.push({ error, dom, painted: performance.now(), key }));
    }).observe(document.querySelector("#editor-policy"), { subtree: true, childList: true, attributes: true });
  });
  // the end of `after 2 ignored touches move to nurture` (line 11): one more letter names no stage
  await page.click("#editor-policy .cm-content");
  await page.keyboard.press("Control+Home");
  for (let i = 0; i < 10; i++) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("End");
  const toError: number[] = [];
  const toClean: number[] = [];
  for (let i = 0; i < ROUNDS + 3; i++) {
    for (const [key, error, into] of [["x", true, toError], ["Backspace", false, toClean]] as const) {
      const count = await page.evaluate(() => window.marks.length);
      await page.keyboard.press(key);
      await page.waitForFunction((n) => window.marks.length > n, count, { timeout: 10_000 });
      const mark = await page.evaluate(() => window.marks[window.marks.length - 1]!);
      if (mark.error !== error) throw new Error(`expected the underline to ${error ? "appear" : "go"}`);
      if (i >= 3) into.push(mark.painted - mark.key); // the first rounds warm the page up
      await page.waitForTimeout(150);
    }
  }
  const report = (name: string, values: number[]): void => {
    const sorted = [...values].sort((a, b) => a - b);
    process.stdout.write(`  ${name}: median ${quantile(sorted, 0.5).toFixed(0)} ms, p90 ${quantile(sorted, 0.9).toFixed(0)} ms, min ${sorted[0]!.toFixed(0)} ms, max ${sorted[sorted.length - 1]!.toFixed(0)} ms (${values.length} keystrokes)\n`);
  };
  process.stdout.write(`keystroke to diagnostic on screen, inbound.heed (includes the 80 ms pause after typing):\n`);
  report("error underline appears", toError);
  report("underline gone after Backspace", toClean);
  process.stdout.write(`browser: ${browser.context.browser()?.version() ?? "chromium"} (headless); node ${process.version}\n`);
} finally {
  await browser.close();
  server.close();
}

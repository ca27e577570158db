/**
 * `npx tsx web/screenshot.ts`: the README's picture of the playground
 * (docs/playground.png), taken in Chromium on the built page with the
 * inbound example and its first test case; made smaller with `pngquant`
 * when it is installed (`apt-get install pngquant`).
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { playgroundHandler } from "../src/adapters/http/playground.js";
import { launchChromium } from "../test/web/browser.js";

const out = join(import.meta.dirname, "..", "docs", "playground.png");
const handler = playgroundHandler();
const server = createServer((req, res) => {
  if (!handler(req, res)) res.writeHead(404).end();
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const browser = await launchChromium();
try {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1360, height: 900 });
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await page.waitForSelector("#diagram svg");
  await page.waitForTimeout(300);
  const bottom = await page.locator(".detail-box").boundingBox();
  await page.screenshot({ path: out, fullPage: true, clip: { x: 0, y: 0, width: 1360, height: Math.ceil((bottom?.y ?? 1600) + (bottom?.height ?? 0) + 16) } });
  const quantized = spawnSync("pngquant", ["--quality", "70-90", "--speed", "1", "--force", "--output", out, out]);
  process.stdout.write(`wrote ${out}${quantized.status === 0 ? " (pngquant)" : ""}\n`);
} finally {
  await browser.close();
  server.close();
}

/**
 * Chromium for the playground's tests: the distribution's package
 * (`/usr/bin/chromium`, installed by `.ci/run`), driven by playwright-core,
 * with the flags that keep it from reaching for the network.
 *
 * @module
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

/** Where Chromium is (override with `HEED_CHROMIUM`). */
export const CHROMIUM = process.env.HEED_CHROMIUM ?? "/usr/bin/chromium";

/** A headless Chromium with a fresh profile (a new `--user-data-dir`); `close` removes the profile. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "heed-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 1000 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

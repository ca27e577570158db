/**
 * The playground served by Heed: `heed serve` answers it at `/` with the
 * served policies (read-only in the page) beside the API, and `heed
 * playground POLICY` serves it on loopback over a local file.
 *
 * @module
 */

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { playgroundHandler } from "../../src/adapters/http/playground.js";
import { startServer, type RunningServer } from "../../src/adapters/http/server.js";
import { launchChromium } from "./browser.js";

interface HTMLElement {
  textContent: string | null;
}
declare const document: { querySelector(selector: string): HTMLElement | null };

const root = join(import.meta.dirname, "..", "..");
const examples = join(root, "examples");

/** The JSON the server wrote into the page. */
function servedJson(html: string): { mode: string; policies: { file: string; text: string }[]; tests: { file: string }[] } {
  const match = /<script type="application\/json" id="heed-served">(.*?)<\/script>/s.exec(html);
  if (match === null) throw new Error("the page holds no served policies");
  return JSON.parse(match[1] ?? "");
}

let browser: Awaited<ReturnType<typeof launchChromium>>;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe("heed serve answers the playground at /", () => {
  let server: RunningServer;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "heed-serve-playground-"));
    cpSync(join(examples, "inbound.heed"), join(dir, "inbound.heed"));
    cpSync(join(examples, "inbound.test.yaml"), join(dir, "inbound.test.yaml"));
    cpSync(join(examples, "donor.heed.yaml"), join(dir, "donor.heed.yaml"));
    server = await startServer({ policies: dir, store: "memory", pollInterval: 0, watch: false });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the page with the served policies and their test files, beside the API", async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("content-security-policy")).toContain("connect-src 'self'");
    const served = servedJson(await page.text());
    expect(served.mode).toBe("serve");
    expect(served.policies.map((p) => p.file)).toEqual(["donor.heed.yaml", "inbound.heed"]);
    expect(served.policies[1]!.text).toContain('cadence "inbound-content"');
    expect(served.tests.map((t) => t.file)).toEqual(["inbound.test.yaml"]);
    expect((await fetch(`${server.url}/main.js`)).headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // only GET and HEAD, only the build's files
    expect((await fetch(`${server.url}/`, { method: "POST" })).status).toBe(404);
    expect((await fetch(`${server.url}/../package.json`)).status).toBe(404);
    expect((await fetch(`${server.url}/chunks/%2e%2e/%2e%2e/package.json`)).status).toBe(404);
    const head = await fetch(`${server.url}/`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("writes a policy into the page safely, whatever it holds", async () => {
    writeFileSync(join(dir, "tricky.heed"), 'cadence "t" {\n  channels email\n  # </script><script>alert(1)</script>\n}\n');
    await server.reload();
    const html = await (await fetch(`${server.url}/`)).text();
    expect(html).not.toContain("</script><script>alert(1)");
    expect(servedJson(html).policies.find((p) => p.file === "tricky.heed")?.text).toContain("# </script><script>alert(1)</script>");
    rmSync(join(dir, "tricky.heed"));
    await server.reload();
  });

  it("opens a served policy read-only in the page", async () => {
    const page: Page = await browser.context.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForSelector("#diagram svg");
    expect(await page.textContent("#origin")).toBe("donor.heed.yaml");
    expect(await page.isVisible("#read-only-banner")).toBe(true);
    const before = await page.evaluate(() => document.querySelector("#editor-policy .cm-content")?.textContent ?? "");
    await page.click("#editor-policy .cm-content");
    await page.keyboard.type("xyz");
    expect(await page.evaluate(() => document.querySelector("#editor-policy .cm-content")?.textContent ?? "")).toBe(before);
    await page.selectOption("#open-policy", "served:inbound.heed");
    await expect.poll(() => page.textContent("#origin")).toBe("inbound.heed");
    // its test cases load into the workbench
    expect(await page.locator("#test-cases option").count()).toBeGreaterThan(5);
    await page.click("#edit-copy");
    expect(await page.isVisible("#read-only-banner")).toBe(false);
    await page.keyboard.type("# edited\n");
    await expect.poll(() => page.evaluate(() => document.querySelector("#editor-policy .cm-content")?.textContent ?? "")).toContain("# edited");
    await page.close();
  });
});

describe("heed playground POLICY", () => {
  let child: ChildProcess;
  let url: string;

  beforeAll(async () => {
    child = spawn(process.execPath, [join(root, "bin", "heed.js"), "playground", "examples/content-reader.heed", "--port", "0", "--no-open"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /heed playground: (http:\/\/127\.0\.0\.1:\d+\/) \(`examples\/content-reader\.heed`; Ctrl-C stops\)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.once("exit", (code) => reject(new Error(`heed playground exited with ${code}: ${out}`)));
    });
  });
  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  });

  it("prints the URL and serves the page with the local file to open", async () => {
    const html = await (await fetch(url)).text();
    const served = servedJson(html);
    expect(served.mode).toBe("local");
    expect(served.policies.map((p) => p.file)).toEqual(["content-reader.heed"]);
    expect(served.tests.map((t) => t.file)).toContain("content-reader.test.yaml");
    expect((await fetch(`${url}v1/policies`)).status).toBe(404);
  });

  it("opens the local file, editable, with its test cases", async () => {
    const page = await browser.context.newPage();
    await page.goto(url);
    await page.waitForSelector("#diagram svg");
    expect(await page.textContent("#origin")).toBe("content-reader.heed");
    expect(await page.isVisible("#read-only-banner")).toBe(false);
    expect(await page.textContent("#problems-summary")).toBe("No problems: the policy checks clean.");
    await page.close();
  });

  it("stops on SIGTERM with exit code 0", async () => {
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});

describe("the playground's handler", () => {
  it("says the page is not built instead of failing, and leaves other paths to the server", async () => {
    const empty = mkdtempSync(join(tmpdir(), "heed-no-web-"));
    const handler = playgroundHandler({ root: empty });
    const server = createServer((req, res) => {
      if (!handler(req, res)) res.writeHead(418).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(503);
      expect(await page.text()).toBe("the playground is not built: run `npm run build`\n");
      expect((await fetch(`${url}/main.js`)).status).toBe(418);
    } finally {
      server.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("heed playground names a missing policy as a usage error", () => {
    const run = spawnSync(process.execPath, [join(root, "bin", "heed.js"), "playground", "nope.heed", "--no-open"], { cwd: root, encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("heed playground: path `nope.heed` not found");
    const port = spawnSync(process.execPath, [join(root, "bin", "heed.js"), "playground", "--port", "http"], { cwd: root, encoding: "utf8" });
    expect(port.status).toBe(2);
    expect(port.stderr).toContain("option `--port` expects a whole number from 0 to 65535, got `http`");
  });
});

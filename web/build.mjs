#!/usr/bin/env node
// Builds the playground into dist/web/: a static site (index.html, the page's
// script split into chunks, the diff worker, the style sheet) that `heed serve`
// and `heed playground` answer, and that any static host can publish as is.
//
// The page imports the library's own modules from src/ (no second
// implementation); the files of examples/ are bundled as the module
// `heed:examples`. Mermaid is loaded on first use, in chunks.
//
// The holiday data (`date-holidays`, for `holidays from contact.country`) is
// bundled whole, every country, so that the page decides as the library
// does; the moment-timezone it reads dates through is replaced by
// web/src/moment-timezone.ts on luxon (already in the page), which saves
// about 800 KB of zone data (docs/playground.md).

import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "web");

/** Every file of examples/ as `{ file, text }`, sorted by name. */
const examplesPlugin = {
  name: "heed-examples",
  setup(b) {
    b.onResolve({ filter: /^heed:examples$/ }, () => ({ path: "examples", namespace: "heed-examples" }));
    b.onLoad({ filter: /.*/, namespace: "heed-examples" }, () => {
      const dir = join(root, "examples");
      const files = readdirSync(dir)
        .filter((name) => /\.heed$|\.ya?ml$/.test(name))
        .sort()
        .map((name) => ({ file: name, text: readFileSync(join(dir, name), "utf8") }));
      return { contents: `export const EXAMPLE_FILES = ${JSON.stringify(files)};`, loader: "js", watchFiles: files.map((f) => join(dir, f.file)) };
    });
  },
};

const started = performance.now();
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { main: "web/src/main.ts", "diff-worker": "web/src/diff-worker.ts" },
  outdir: out,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "browser",
  target: ["es2022"],
  minify: true,
  sourcemap: false,
  legalComments: "linked",
  chunkNames: "chunks/[name]-[hash]",
  metafile: true,
  logLevel: "warning",
  plugins: [examplesPlugin],
  alias: { "moment-timezone": "./web/src/moment-timezone.ts" },
  define: { "process.env.NODE_ENV": '"production"' },
});
for (const file of ["index.html", "playground.css"]) copyFileSync(join(root, "web", file), join(out, file));

const size = (dir) => readdirSync(dir).reduce((sum, name) => {
  const path = join(dir, name);
  const stat = statSync(path);
  return sum + (stat.isDirectory() ? size(path) : stat.size);
}, 0);
const ms = Math.round(performance.now() - started);
const files = Object.keys(result.metafile.outputs).length + 2;
process.stdout.write(`web: built ${relative(root, out)}/ (${files} files, ${(size(out) / 1024).toFixed(0)} KiB) in ${ms} ms\n`);

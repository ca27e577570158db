#!/usr/bin/env node
// The `heed` command. The CLI itself is `src/adapters/cli/main.ts`, compiled to dist/.

import { existsSync } from "node:fs";

// A reader that stops early (`heed diff ... | head`) closes the pipe: stop quietly, as
// command-line tools do, instead of printing a stack trace for EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const CLI = new URL("../dist/adapters/cli/main.js", import.meta.url);
let main;
try {
  ({ main } = await import(CLI.href));
} catch (error) {
  // Only the CLI's own absence means "not built"; a missing dependency is reported as it is.
  if (error?.code !== "ERR_MODULE_NOT_FOUND" || existsSync(CLI)) throw error;
  process.stderr.write("heed: the compiled CLI is missing (dist/): run `npm run build` first\n");
  process.exit(2);
}

process.exitCode = await main(process.argv.slice(2));

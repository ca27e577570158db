#!/usr/bin/env node
// The `heed` command. The CLI itself is `src/adapters/cli/main.ts`, compiled to dist/.

// A reader that stops early (`heed diff ... | head`) closes the pipe: stop quietly, as
// command-line tools do, instead of printing a stack trace for EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

let main;
try {
  ({ main } = await import("../dist/adapters/cli/main.js"));
} catch (error) {
  if (error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
  process.stderr.write("heed: the compiled CLI is missing (dist/): run `npm run build` first\n");
  process.exit(2);
}

process.exitCode = await main(process.argv.slice(2));

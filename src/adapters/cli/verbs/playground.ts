/**
 * `heed playground [POLICY] [--port P] [--no-open]`: the playground in the
 * browser over local files. A small server on loopback answers the page
 * (built into `dist/web/`) with the policy file, or every policy of the
 * folder, and the test files beside them; the files are read again at
 * each load of the page, so a reload shows what is on disk.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, dirname, resolve } from "node:path";
import { discoverFiles, isPolicyFile, PathError, readText } from "../../files.js";
import { defaultPlaygroundRoot, playgroundHandler, testFiles, type PageContent } from "../../http/playground.js";
import { integerOption, UsageError } from "../args.js";
import { println } from "../io.js";
import { EXIT_FAIL, EXIT_OK, type Verb } from "../verb.js";

/** The port tried first when `--port` is not given; a free one is taken when it is busy. */
const DEFAULT_PORT = 7357;

export const playgroundVerb: Verb = {
  name: "playground",
  summary: "open the playground in the browser over local policy files",
  usage: "heed playground [POLICY|FOLDER] [--port P] [--host H] [--no-open]",
  details: [
    "Serves the playground (diagnostics, the state machine, what a silent contact gets, the contact",
    "workbench, the comparison with a baseline) on loopback and opens it in the browser. The page",
    "opens the policy named (or each policy of the folder) with the test cases beside it; the files",
    "are read again whenever the page is loaded. Nothing is written back: the page's Download",
    "button saves an edited policy, and its link holds the whole state.",
    "",
    `Without --port, port ${DEFAULT_PORT} is tried, then any free one. Stops on Ctrl-C.`,
    "",
    "Exit codes: 0 stopped, 1 the server could not start, 2 usage errors.",
  ].join("\n"),
  options: [
    { name: "port", type: "string", value: "P", description: `the port to listen on (default ${DEFAULT_PORT}, else any free one)` },
    { name: "host", type: "string", value: "H", description: "the address to listen on (default 127.0.0.1)" },
    { name: "no-open", type: "flag", description: "print the URL without opening a browser" },
  ],
  async run(args, io) {
    if (args.positionals.length > 1) throw new UsageError(`expected at most one POLICY or FOLDER, got ${args.positionals.length}`);
    const given = args.positionals[0];
    let policies: string[] = [];
    let folder: string | undefined;
    if (given !== undefined) {
      try {
        policies = discoverFiles([given], io.cwd, isPolicyFile);
      } catch (error) {
        if (error instanceof PathError) throw new UsageError(error.message);
        throw error;
      }
      const absolute = resolve(io.cwd, given);
      folder = existsSync(absolute) && statSync(absolute).isDirectory() ? absolute : dirname(absolute);
      if (policies.length === 0) throw new UsageError(`no policy files (\`*.heed\`, \`*.heed.yaml\`) found in \`${given}\``);
    }
    const root = defaultPlaygroundRoot();
    if (!existsSync(resolve(root, "index.html"))) {
      println(io.stderr, "heed playground: the page is not built (dist/web/ is missing): run `npm run build`");
      return EXIT_FAIL;
    }
    const content = (): PageContent => ({
      mode: "local",
      policies: policies.flatMap((file) => {
        const read = readText(file, io.cwd);
        return "text" in read ? [{ file: basename(file), text: read.text }] : [];
      }),
      tests: folder === undefined ? [] : testFiles(folder),
    });
    const handler = playgroundHandler({ root, content });
    const server = createServer((req, res) => {
      if (handler(req, res)) return;
      const body = `not found: \`${(req.url ?? "/").split("?")[0]}\`\n`;
      res.writeHead(req.method === "GET" || req.method === "HEAD" ? 404 : 405, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
    const host = args.values.get("host") ?? "127.0.0.1";
    const explicit = integerOption(args, "port", undefined, 0, 65535);
    try {
      await listen(server, explicit ?? DEFAULT_PORT, host).catch((error: NodeJS.ErrnoException) => {
        if (explicit === undefined && error.code === "EADDRINUSE") return listen(server, 0, host);
        throw error;
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === "EADDRINUSE" ? `port ${explicit} on ${host} is already in use` : (error as Error).message;
      println(io.stderr, `heed playground: cannot start: ${reason}`);
      return EXIT_FAIL;
    }
    const address = server.address() as AddressInfo;
    const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}/`;
    const opened = policies.length === 0 ? "the examples" : policies.length === 1 ? `\`${policies[0]}\`` : `${policies.length} policies of \`${given}\``;
    println(io.stdout, `heed playground: ${url} (${opened}; Ctrl-C stops)`);
    if (!args.flags.has("no-open")) openBrowser(url, (message) => println(io.stderr, `heed playground: ${message}`));
    await untilStopped();
    await new Promise<void>((done) => {
      server.close(() => done());
      server.closeAllConnections();
    });
    return EXIT_OK;
  },
};

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => {
      server.off("error", fail);
      done();
    });
  });
}

function untilStopped(): Promise<void> {
  return new Promise((done) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      done();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

/** Opens the URL with the system's opener; a failure only says to open it by hand. */
function openBrowser(url: string, warn: (message: string) => void): void {
  const [command, args] =
    process.platform === "darwin" ? ["open", [url]] : process.platform === "win32" ? ["cmd", ["/c", "start", '""', url]] : ["xdg-open", [url]];
  try {
    const child = spawn(command, args as string[], { detached: true, stdio: "ignore" });
    child.on("error", () => warn(`could not open a browser: open ${url} yourself`));
    child.unref();
  } catch {
    warn(`could not open a browser: open ${url} yourself`);
  }
}

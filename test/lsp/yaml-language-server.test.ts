/**
 * The editor that does not know Heed: `yaml-language-server` (the server
 * behind the YAML extension of VS Code, and of many other editors), driven
 * over stdio as an editor drives it. It knows our files only by their
 * `# yaml-language-server: $schema=...` line, so these tests show that the
 * line resolves (in this repository's examples, and in a user's project
 * where `heed convert` wrote it) and that a misspelt key is reported at its
 * line, in a policy and in a test file.
 */

import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from "vscode-languageserver-protocol/node";
import { heed, ROOT, workspace } from "../cli/helpers.js";

const SERVER = createRequire(import.meta.url).resolve("yaml-language-server/bin/yaml-language-server");

/** yaml-language-server over stdio, set up as an editor would: validation on, and no schema store (nothing from the network). */
class YamlServer {
  private readonly child: ChildProcess;
  private readonly connection: ProtocolConnection;
  private readonly waiters = new Map<string, (params: PublishDiagnosticsParams) => void>();
  private version = 0;

  constructor(root: string) {
    this.child = spawn(process.execPath, [SERVER, "--stdio"], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onRequest(ConfigurationRequest.type, (params) =>
      params.items.map((item) => (item.section === "yaml" ? { validate: true, schemaStore: { enable: false }, format: { enable: false } } : {})),
    );
    // The server may ask to register for configuration changes and the like: the answer is yes.
    this.connection.onRequest("client/registerCapability", () => null);
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      const waiter = this.waiters.get(params.uri);
      this.waiters.delete(params.uri);
      waiter?.(params);
    });
    this.connection.listen();
  }

  async start(root: string): Promise<void> {
    const rootUri = pathToFileURL(root).href;
    await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: "project" }],
      capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } }, textDocument: { publishDiagnostics: {} } },
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
  }

  /**
   * Opens `text` as a new document beside `file` (which need not exist:
   * the server reads the text from the editor, and the schema line from
   * the text); resolves with its diagnostics. Each document is new (the
   * server publishes without a version): no earlier publication can be
   * taken for its answer.
   */
  async diagnostics(file: string, text: string): Promise<Diagnostic[]> {
    const version = ++this.version;
    const uri = pathToFileURL(join(dirname(file), `${version}-${basename(file)}`)).href;
    const published = new Promise<PublishDiagnosticsParams>((resolve) => this.waiters.set(uri, resolve));
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "yaml", version, text } });
    return (await published).diagnostics;
  }

  async stop(): Promise<void> {
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    this.connection.dispose();
    if (this.child.exitCode === null) this.child.kill();
  }
}

/** `line: message` of each diagnostic, lines counted from 1 as editors show them. */
function shown(diagnostics: readonly Diagnostic[]): string[] {
  return [...diagnostics].sort((a, b) => a.range.start.line - b.range.start.line).map((d) => `${d.range.start.line + 1}: ${d.message}`);
}

/** The 1-based line of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split("\n").findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`\`${needle}\` not in text`);
  return index + 1;
}

const EXAMPLES = join(ROOT, "examples");
const POLICY = readFileSync(join(EXAMPLES, "inbound.heed.yaml"), "utf8");
const TESTS = readFileSync(join(EXAMPLES, "inbound.test.yaml"), "utf8");

/** The policy with `ignoreWindow` misspelt, and the test file with a case's `history` and an `expect`'s `verdict` misspelt. */
const POLICY_TYPO = POLICY.replace(/^ignoreWindow:/m, "ignoreWindw:");
const TESTS_TYPO = TESTS.replace(/^( {4})history:/m, "$1histroy:").replace(/^( {6})verdict: deny$/m, "$1verdcit: deny");

let server: YamlServer;
let project: string;

beforeAll(async () => {
  expect(POLICY_TYPO).not.toBe(POLICY);
  expect(TESTS_TYPO.match(/histroy|verdcit/g)).toEqual(["histroy", "verdcit"]);
  // A user's project: heed installed (linked, as a workspace or `npm link` installs it), policies converted into a folder of their own.
  project = workspace();
  mkdirSync(join(project, "node_modules"));
  symlinkSync(ROOT, join(project, "node_modules", "heed"), "dir");
  const converted = heed(["convert", join(EXAMPLES, "inbound.heed"), "--to", "yaml", "-o", "config/cadences/inbound.heed.yaml"], project);
  expect(converted.code).toBe(0);
  server = new YamlServer(project);
  await server.start(project);
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe("yaml-language-server, with no setting but the files' own schema lines", () => {
  it("accepts the example policy and test file as they are: their schema lines resolve", async () => {
    expect(await server.diagnostics(join(EXAMPLES, "inbound.heed.yaml"), POLICY)).toEqual([]);
    expect(await server.diagnostics(join(EXAMPLES, "inbound.test.yaml"), TESTS)).toEqual([]);
  });

  it("reports a misspelt key of a YAML policy at its line", async () => {
    const found = await server.diagnostics(join(EXAMPLES, "inbound.heed.yaml"), POLICY_TYPO);
    expect(shown(found)).toEqual([`${lineOf(POLICY_TYPO, "ignoreWindw:")}: Property ignoreWindw is not allowed.`]);
    expect(found[0]!.severity).toBe(1);
  });

  it("reports each misspelt key of a test file at its line", async () => {
    const found = await server.diagnostics(join(EXAMPLES, "inbound.test.yaml"), TESTS_TYPO);
    expect(shown(found)).toEqual([`${lineOf(TESTS_TYPO, "histroy:")}: Property histroy is not allowed.`, `${lineOf(TESTS_TYPO, "verdcit:")}: Property verdcit is not allowed.`]);
  });

  it("in a user's project, follows the line `heed convert` wrote and a test file's line into node_modules/heed", async () => {
    const policyFile = join(project, "config/cadences/inbound.heed.yaml");
    const policy = readFileSync(policyFile, "utf8");
    expect(policy.split("\n")[0]).toBe("# yaml-language-server: $schema=../../node_modules/heed/schema/heed-policy.schema.json");
    expect(await server.diagnostics(policyFile, policy)).toEqual([]);
    const typo = policy.replace(/^ignoreWindow:/m, "ignoreWindw:");
    expect(shown(await server.diagnostics(policyFile, typo))).toEqual([`${lineOf(typo, "ignoreWindw:")}: Property ignoreWindw is not allowed.`]);

    const testFile = join(project, "config/cadences/inbound.test.yaml");
    const tests = TESTS.replace(/^# yaml-language-server: .*$/m, "# yaml-language-server: $schema=../../node_modules/heed/schema/heed-test.schema.json");
    writeFileSync(testFile, tests);
    expect(await server.diagnostics(testFile, tests)).toEqual([]);
    const testTypo = tests.replace(/^( {4})history:/m, "$1histroy:");
    expect(shown(await server.diagnostics(testFile, testTypo))).toEqual([`${lineOf(testTypo, "histroy:")}: Property histroy is not allowed.`]);
  });

  it("agrees with `heed test` on a touch without a channel: wrong in a case, expected in a case that expects `invalid-event`", async () => {
    const malformed = (expectation: string): string =>
      `${TESTS.split("\n")[0]}\npolicy: inbound.heed\ncases:\n  - name: a touch without a channel\n    contact: { id: c1 }\n    history:\n      - { type: touch, at: "2026-03-02T10:00:00Z" }\n    at: "2026-03-03T10:00:00Z"\n    touch: { channel: email }\n    expect: ${expectation}\n`;
    const wrong = malformed("{ verdict: allow }");
    expect(shown(await server.diagnostics(join(EXAMPLES, "inbound.test.yaml"), wrong))).toEqual([`${lineOf(wrong, "{ type: touch")}: Missing property "channel".`]);
    expect(await server.diagnostics(join(EXAMPLES, "inbound.test.yaml"), malformed("{ error: invalid-event }"))).toEqual([]);
  });

  it("flags each decision field beside `error`, and `exact: true` with no list, at their lines", async () => {
    const text = TESTS.replace(/^( {6})verdict: deny$/m, "$1error: invalid-time\n$1verdict: deny");
    const fields = ["verdict: deny", "stage: nurture", "rules: [no-cold-invites]"].map((field) => `${lineOf(text, field)}: Matches a schema that is not allowed.`);
    expect(shown(await server.diagnostics(join(EXAMPLES, "inbound.test.yaml"), text))).toEqual(fields);
    const exact = TESTS.replace(/^( {6})rules: \[no-cold-invites\]$/m, "$1exact: true");
    expect(shown(await server.diagnostics(join(EXAMPLES, "inbound.test.yaml"), exact))).toEqual([
      `${lineOf(exact, "expect:")}: \`exact: true\` makes \`rules\` and \`codes\` the whole list of reasons: give \`rules\`, \`codes\` or both`,
    ]);
  });
});

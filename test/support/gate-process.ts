/**
 * One worker process of the multi-process gate test: opens the store named
 * by its first argument, says `opened` on stdout (or, when the store cannot
 * be opened, writes the reason to stderr and exits 3), waits for a line on
 * stdin, then runs its share of attempts through a gate and prints their
 * counts as one JSON line before closing the store.
 *
 * Arguments: STORE WORKER WORKERS ATTEMPTS CONTACTS
 * Worker w of W makes attempts at BASE + (i * W + w) minutes, i = 0, 1, ...,
 * on contacts picked by a seeded sequence, so the workers' attempts
 * interleave in time and contend for the same contacts.
 */

import { createInterface } from "node:readline";
import { createGate } from "../../src/adapters/gate.js";
import { openStore } from "../../src/adapters/store/index.js";
import { HeedInputError } from "../../src/diagnostics.js";
import { compile } from "../../src/engine/index.js";
import { parsePolicy } from "../../src/parser/index.js";

const GATE_POLICY = `
cadence "gate" {
  timezone from contact.timezone else "UTC"
  channels email, call
  at most 1 call per day
  at least 2 hours between touches
}
`;
const BASE = Date.UTC(2026, 2, 2, 8);

async function main(): Promise<void> {
  const [spec, workerText, workersText, attemptsText, contactsText] = process.argv.slice(2);
  const worker = Number(workerText);
  const workers = Number(workersText);
  const attempts = Number(attemptsText);
  const contacts = Number(contactsText);
  let store;
  try {
    store = await openStore(spec);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(3);
  }
  process.stdout.write("opened\n");
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once("line", () => resolve()));
  lines.close();

  const engine = compile(parsePolicy(GATE_POLICY, { file: "gate.heed" }).policy!);
  const gate = createGate({ engine, store, clock: () => BASE + 365 * 86_400_000 });
  const counts = { allow: 0, deny: 0, defer: 0, outOfOrder: 0 };
  let seed = 7919 * (worker + 1);
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < attempts; i++) {
    const contactId = `contact-${Math.floor(random() * contacts)}`;
    const channel = random() < 0.5 ? "call" : "email";
    const at = new Date(BASE + (i * workers + worker) * 60_000).toISOString();
    try {
      const result = await gate.attempt(contactId, { channel }, at);
      counts[result.decision.verdict] += 1;
    } catch (error) {
      if (error instanceof HeedInputError && error.code === "out-of-order") counts.outOfOrder += 1;
      else throw error;
    }
  }
  await store.close();
  process.stdout.write(`${JSON.stringify(counts)}\n`);
}

await main();

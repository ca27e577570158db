// Asks GET URL/healthz every 25 ms until its stdin closes, then prints one
// JSON line: how long each answer took (ms) and what went wrong. Run in a
// process of its own, so that what the test process does (building a 10 MB
// body) does not count against the server.
import { request } from "node:http";

const url = new URL("/healthz", process.argv[2]);
const latencies = [];
const failures = [];
let running = true;
process.stdin.on("end", () => (running = false));
process.stdin.resume();

function once() {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on("end", () => {
        latencies.push(performance.now() - started);
        if (res.statusCode !== 200) failures.push(`status ${res.statusCode}`);
        resolve();
      });
    });
    req.on("error", (error) => {
      failures.push(error.message);
      resolve();
    });
    req.end();
  });
}

while (running) {
  await once();
  await new Promise((resolve) => setTimeout(resolve, 25));
}
process.stdout.write(`${JSON.stringify({ latencies, failures })}\n`);

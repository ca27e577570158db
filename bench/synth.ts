/**
 * Synthetic policies of a given size for the compile / check / diff scaling
 * runs: `n` stages (a chain with skips, the last one final) and `n` rules
 * cycling through the rule forms, one per stage.
 *
 * @module
 */

const RULES: ((i: number) => string)[] = [
  (i) => `at most ${1 + (i % 3)} emails per ${7 + i} days`,
  (i) => `never call within ${1 + (i % 5)} hours of content_download`,
  (i) => `at least ${1 + (i % 3)} days between call`,
  (i) => `never sms when contact.score < ${i}`,
  (i) => `rule cold-${i}: never calendar-invite without reply`,
  () => `quiet hours 21:00 to 08:00 for call, sms`,
  (i) => `never any tagged "t${i}" when total_touches == 0`,
  () => `only business days for call`,
];

/** A policy with `n` stages and `n` rules; `variant` lowers the policy-wide limit. */
export function synthPolicy(n: number, options: { variant?: boolean } = {}): string {
  const lines: string[] = [];
  lines.push(`cadence "synthetic-${n}" {`);
  lines.push(`  timezone from contact.timezone else "America/New_York"`);
  lines.push(`  channels email, call, sms, linkedin, calendar-invite`);
  lines.push(`  holidays 2026-11-26, 2026-12-25`);
  lines.push("");
  for (let i = 0; i < n; i++) {
    const name = `s${i}`;
    if (i === n - 1) {
      lines.push(`  final stage ${name}`);
      continue;
    }
    lines.push(`  ${i === 0 ? "start " : ""}stage ${name} {`);
    lines.push(`    allow email, call, sms${i % 2 === 0 ? ", calendar-invite" : ""}`);
    lines.push(`    ${RULES[i % RULES.length]!(i)}`);
    lines.push(`    after 2 ignored touches move to s${i + 1}`);
    lines.push(`    on reply where sentiment == "negative" move to s${n - 1}`);
    lines.push(`    on reply move to s${Math.min(i + 2, n - 1)}`);
    lines.push(`  }`);
  }
  lines.push("");
  lines.push(`  on unsubscribe move to s${n - 1}`);
  lines.push(`  at most ${options.variant === true ? 2 : 3} touches per 7 days`);
  lines.push(`}`);
  return lines.join("\n") + "\n";
}

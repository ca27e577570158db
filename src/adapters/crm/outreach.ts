/**
 * Outreach mailings and calls (JSON:API: `{ data: [{ type, id, attributes, relationships }] }`)
 * to Heed events. The contact is the `prospect` relationship.
 *
 * Mailings: `deliveredAt` is a touch on `email`; `openedAt`, `clickedAt`,
 * `repliedAt`, `bouncedAt` and `unsubscribedAt` are the signals `open`,
 * `click`, `reply`, `bounce` and `unsubscribe` (on `email`). A mailing with
 * none of them (a draft, a scheduled one) is reported.
 *
 * Calls: an outbound call is a touch on `call` at `dialedAt` (else
 * `createdAt`), plus `call_connected` at `answeredAt` (or when `outcome` is
 * "Answered"); an inbound call is `call_connected` alone.
 *
 * @module
 */

import { idOf, isRecord, pick, show, toInstant, type CrmEvent, type MappingProblem, type MappingResult } from "./common.js";

const MAILING_SIGNALS: readonly [string, string][] = [
  ["openedAt", "open"],
  ["clickedAt", "click"],
  ["repliedAt", "reply"],
  ["bouncedAt", "bounce"],
  ["unsubscribedAt", "unsubscribe"],
];

/** Maps a JSON:API document (`data` a list or one resource) or a list of resources. */
export function mapOutreachRecords(input: unknown): MappingResult {
  const data = isRecord(input) && "data" in input ? input.data : input;
  const records = Array.isArray(data) ? data : isRecord(data) ? [data] : undefined;
  if (!records) return { events: [], problems: [{ message: "expected a JSON:API document with `data`" }] };
  const events: CrmEvent[] = [];
  const problems: MappingProblem[] = [];
  records.forEach((record: unknown, index: number) => {
    const problem = (message: string): void => {
      problems.push({ index, message });
    };
    if (!isRecord(record) || !isRecord(record.attributes)) return problem("not a JSON:API resource: `attributes` is missing");
    const id = idOf(record.id);
    if (id === undefined) return problem("resource without an `id`");
    const a = record.attributes;
    const prospect = isRecord(record.relationships) && isRecord(record.relationships.prospect) ? record.relationships.prospect.data : undefined;
    const contactId = isRecord(prospect) ? idOf(prospect.id) : undefined;
    const push = (event: Record<string, unknown> & { type: string; at: string }, suffix: string): void => {
      events.push({ contactId, index, event: { source: "outreach", ...event, id: `outreach:${record.type}:${id}:${suffix}` } });
    };
    const bad = Object.entries(a).filter(([k, v]) => k.endsWith("At") && v !== null && v !== undefined && toInstant(v) === undefined);
    if (bad.length > 0) return problem(`${show(record.type)} ${id} has an invalid \`${bad[0]![0]}\`: \`${show(bad[0]![1])}\``);
    if (record.type === "mailing") {
      const props = pick(a, { subject: "subject", mailingType: "mailingType" });
      const before = events.length;
      const delivered = toInstant(a.deliveredAt);
      if (delivered) push({ type: "touch", channel: "email", at: delivered, ...props }, "delivered");
      for (const [field, type] of MAILING_SIGNALS) {
        const at = toInstant(a[field]);
        if (at) push({ type, channel: "email", at }, type);
      }
      if (events.length === before) problem(`mailing ${id} was not delivered (state \`${show(a.state)}\`): no touch or signal`);
      return undefined;
    }
    if (record.type === "call") {
      const props = pick(a, { outcome: "outcome", direction: "direction" });
      const answered = toInstant(a.answeredAt) ?? (a.outcome === "Answered" ? toInstant(a.completedAt) ?? toInstant(a.dialedAt) ?? toInstant(a.createdAt) : undefined);
      if (a.direction === "inbound") {
        const at = answered ?? toInstant(a.createdAt);
        if (!at) return problem(`call ${id} has no \`answeredAt\` or \`createdAt\``);
        push({ type: "call_connected", channel: "call", at, inbound: true, ...props }, "connected");
        return undefined;
      }
      const dialed = toInstant(a.dialedAt) ?? toInstant(a.createdAt);
      if (!dialed) return problem(`call ${id} has no \`dialedAt\` or \`createdAt\``);
      push({ type: "touch", channel: "call", at: dialed, ...props }, "dialed");
      if (answered) push({ type: "call_connected", channel: "call", at: answered, ...props }, "connected");
      return undefined;
    }
    return problem(`resource ${id} has an unsupported type \`${show(record.type)}\` (expected \`mailing\` or \`call\`)`);
  });
  return { events, problems };
}

/**
 * HubSpot engagements (the v1 engagements API shape:
 * `{ engagement: { id, type, timestamp, createdAt }, associations: { contactIds }, metadata }`)
 * to Heed events.
 *
 * - `EMAIL` (and `FORWARDED_EMAIL`): a touch on `email`
 * - `INCOMING_EMAIL`: a `reply`
 * - `CALL`: a touch on `call`, plus `call_connected` when the call completed
 *   with a duration or the "Connected" disposition; an inbound call is
 *   `call_connected` alone
 * - `MEETING`: `meeting_booked`, at the time it was logged
 * - `NOTE`, `TASK` and unknown types are reported as problems
 *
 * @module
 */

import { idOf, isRecord, pick, show, toInstant, type CrmEvent, type MappingProblem, type MappingResult } from "./common.js";

/** HubSpot's default call disposition "Connected". */
const CONNECTED_DISPOSITION = "f240bbac-87c9-4f6e-bf70-924b57d47db7";

/** Maps a list of engagements (or a paged response with `results`). */
export function mapHubspotEngagements(input: unknown): MappingResult {
  const records = Array.isArray(input) ? input : isRecord(input) && Array.isArray(input.results) ? input.results : undefined;
  if (!records) return { events: [], problems: [{ message: "expected a list of HubSpot engagements or a response with `results`" }] };
  const events: CrmEvent[] = [];
  const problems: MappingProblem[] = [];
  records.forEach((record: unknown, index: number) => {
    const problem = (message: string): void => {
      problems.push({ index, message });
    };
    if (!isRecord(record) || !isRecord(record.engagement)) return problem("not a HubSpot engagement: `engagement` is missing");
    const engagement = record.engagement;
    const metadata = isRecord(record.metadata) ? record.metadata : {};
    const id = idOf(engagement.id);
    if (id === undefined) return problem("engagement without an `id`");
    const type = engagement.type;
    if (typeof type !== "string") return problem(`engagement ${id} has no \`type\``);
    const at = toInstant(engagement.timestamp ?? engagement.createdAt);
    if (at === undefined) return problem(`engagement ${id} has no valid \`timestamp\`: \`${show(engagement.timestamp ?? engagement.createdAt)}\``);
    const contactIds = isRecord(record.associations) && Array.isArray(record.associations.contactIds) ? record.associations.contactIds : [];
    const contactId = idOf(contactIds[0]);
    const base = { source: "hubspot", engagementId: id };
    const push = (event: Record<string, unknown> & { type: string; at: string }, suffix = ""): void => {
      events.push({ contactId, index, event: { ...base, ...event, id: `hubspot:${id}${suffix}` } });
    };
    switch (type) {
      case "EMAIL":
      case "FORWARDED_EMAIL":
        push({ type: "touch", channel: "email", at, ...pick(metadata, { subject: "subject" }) });
        return undefined;
      case "INCOMING_EMAIL":
        push({ type: "reply", channel: "email", at, ...pick(metadata, { subject: "subject" }) });
        return undefined;
      case "CALL": {
        const status = typeof metadata.status === "string" ? metadata.status : undefined;
        const duration = typeof metadata.durationMilliseconds === "number" ? metadata.durationMilliseconds : 0;
        const connected = metadata.disposition === CONNECTED_DISPOSITION || (status === "COMPLETED" && duration > 0);
        const props = pick(metadata, { status: "status", durationMilliseconds: "durationMilliseconds", disposition: "disposition" });
        if (metadata.direction === "INBOUND" || metadata.callDirection === "INBOUND") {
          push({ type: "call_connected", channel: "call", at, inbound: true, ...props });
          return undefined;
        }
        push({ type: "touch", channel: "call", at, ...props });
        if (connected) push({ type: "call_connected", channel: "call", at, ...props }, ":connected");
        return undefined;
      }
      case "MEETING": {
        const booked = toInstant(engagement.createdAt) ?? at;
        const start = toInstant(metadata.startTime);
        push({ type: "meeting_booked", at: booked, ...(start ? { startTime: start } : {}), ...pick(metadata, { title: "title" }) });
        return undefined;
      }
      case "NOTE":
      case "TASK":
        return problem(`engagement ${id} is a \`${type}\`, neither a touch nor a signal`);
      default:
        return problem(`engagement ${id} has an unknown type \`${type}\``);
    }
  });
  return { events, problems };
}

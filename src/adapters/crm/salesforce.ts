/**
 * Salesforce `Task` and `Event` records (as the REST API returns them, with
 * `attributes.type`) to Heed events.
 *
 * Tasks: only completed ones (`Status` "Completed", or `IsClosed`) are
 * touches; `TaskSubtype` (`Email`, `ListEmail`, `Call`, `LinkedIn`) or
 * else `Type` (`Email`, `Call`) gives the channel. A completed call with a
 * duration and no "no answer" disposition also yields `call_connected`; an
 * inbound call (`CallType` "Inbound") yields `call_connected` alone. The
 * instant is `CompletedDateTime`, else `CreatedDate`, else midnight UTC of
 * `ActivityDate`. Events (calendar): `meeting_booked` at `CreatedDate`.
 *
 * @module
 */

import { idOf, isRecord, pick, show, toInstant, type CrmEvent, type MappingProblem, type MappingResult } from "./common.js";

const NOT_CONNECTED = /no answer|not answered|voicemail|voice mail|busy|left message|wrong number|failed/i;

function channelOf(record: Record<string, unknown>): string | undefined {
  const subtype = typeof record.TaskSubtype === "string" ? record.TaskSubtype : undefined;
  if (subtype === "Email" || subtype === "ListEmail") return "email";
  if (subtype === "Call") return "call";
  if (subtype === "LinkedIn") return "linkedin";
  const type = typeof record.Type === "string" ? record.Type.toLowerCase() : "";
  if (type === "email") return "email";
  if (type === "call") return "call";
  if (type === "linkedin") return "linkedin";
  return undefined;
}

function instantOf(record: Record<string, unknown>): string | undefined {
  const exact = toInstant(record.CompletedDateTime) ?? toInstant(record.CreatedDate);
  if (exact) return exact;
  if (typeof record.ActivityDate === "string" && /^\d{4}-\d{2}-\d{2}$/.test(record.ActivityDate)) return toInstant(`${record.ActivityDate}T00:00:00Z`);
  return undefined;
}

/** Maps a list of Task/Event records (or a query response with `records`). */
export function mapSalesforceActivities(input: unknown): MappingResult {
  const records = Array.isArray(input) ? input : isRecord(input) && Array.isArray(input.records) ? input.records : undefined;
  if (!records) return { events: [], problems: [{ message: "expected a list of Salesforce records or a query response with `records`" }] };
  const events: CrmEvent[] = [];
  const problems: MappingProblem[] = [];
  records.forEach((record: unknown, index: number) => {
    const problem = (message: string): void => {
      problems.push({ index, message });
    };
    if (!isRecord(record)) return problem("not a Salesforce record");
    const id = idOf(record.Id);
    if (id === undefined) return problem("record without an `Id`");
    const sobject = isRecord(record.attributes) && typeof record.attributes.type === "string" ? record.attributes.type : "StartDateTime" in record ? "Event" : "Task";
    const contactId = idOf(record.WhoId);
    const push = (event: Record<string, unknown> & { type: string; at: string }, suffix = ""): void => {
      events.push({ contactId, index, event: { source: "salesforce", ...event, id: `salesforce:${id}${suffix}` } });
    };
    if (sobject === "Event") {
      const at = toInstant(record.CreatedDate);
      if (at === undefined) return problem(`event ${id} has no valid \`CreatedDate\`: \`${show(record.CreatedDate)}\``);
      const start = toInstant(record.StartDateTime) ?? toInstant(record.ActivityDateTime);
      push({ type: "meeting_booked", at, ...(start ? { startTime: start } : {}), ...pick(record, { Subject: "subject" }) });
      return undefined;
    }
    if (sobject !== "Task") return problem(`record ${id} is a \`${sobject}\`, not a Task or Event`);
    const completed = record.Status === "Completed" || record.IsClosed === true;
    if (!completed) return problem(`task ${id} is not completed (status \`${show(record.Status)}\`): not a sent touch`);
    const channel = channelOf(record);
    if (channel === undefined) return problem(`task ${id} has no channel: \`TaskSubtype\` \`${show(record.TaskSubtype)}\`, \`Type\` \`${show(record.Type)}\``);
    const at = instantOf(record);
    if (at === undefined) return problem(`task ${id} has no valid \`CompletedDateTime\`, \`CreatedDate\` or \`ActivityDate\``);
    const props = pick(record, { Subject: "subject", CallDisposition: "disposition", CallDurationInSeconds: "durationSeconds" });
    if (channel === "call") {
      const disposition = typeof record.CallDisposition === "string" ? record.CallDisposition : "";
      const duration = typeof record.CallDurationInSeconds === "number" ? record.CallDurationInSeconds : 0;
      if (record.CallType === "Inbound") {
        push({ type: "call_connected", channel, at, inbound: true, ...props });
        return undefined;
      }
      push({ type: "touch", channel, at, ...props });
      if (duration > 0 && !NOT_CONNECTED.test(disposition)) push({ type: "call_connected", channel, at, ...props }, ":connected");
      return undefined;
    }
    push({ type: "touch", channel, at, ...props });
    return undefined;
  });
  return { events, problems };
}

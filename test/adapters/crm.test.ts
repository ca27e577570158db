import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  importMappedEvents,
  MappingFileError,
  mapCsv,
  mapHubspotEngagements,
  mapJsonLines,
  mapOutreachRecords,
  mapSalesforceActivities,
  parseCsv,
  parseFieldMapping,
  toInstant,
} from "../../src/adapters/crm/index.js";
import { MemoryStore } from "../../src/adapters/store/memory.js";
import { compile } from "../../src/engine/index.js";
import { parsePolicy } from "../../src/parser/index.js";

describe("HubSpot engagements", () => {
  const engagements = {
    results: [
      {
        engagement: { id: 29090716, portalId: 62515, active: true, createdAt: 1772445600000, lastUpdated: 1772445600000, type: "EMAIL", timestamp: 1772445600000 },
        associations: { contactIds: [247], companyIds: [], dealIds: [], ownerIds: [] },
        metadata: { from: { email: "rep@example.com" }, to: [{ email: "ada@example.org" }], subject: "Quick question", html: "<p>hi</p>" },
      },
      {
        engagement: { id: 29090717, type: "INCOMING_EMAIL", createdAt: 1772532000000, timestamp: 1772532000000 },
        associations: { contactIds: [247] },
        metadata: { subject: "Re: Quick question" },
      },
      {
        engagement: { id: 29090718, type: "CALL", timestamp: 1772618400000 },
        associations: { contactIds: [247] },
        metadata: { toNumber: "+15555550100", status: "COMPLETED", durationMilliseconds: 184000, disposition: "f240bbac-87c9-4f6e-bf70-924b57d47db7" },
      },
      {
        engagement: { id: 29090719, type: "CALL", timestamp: 1772622000000 },
        associations: { contactIds: [247] },
        metadata: { status: "NO_ANSWER", durationMilliseconds: 0, disposition: "73a0d17f-1163-4015-bdd5-ec830791da20" },
      },
      {
        engagement: { id: 29090720, type: "MEETING", createdAt: 1772625600000, timestamp: 1772892000000 },
        associations: { contactIds: [247] },
        metadata: { title: "Demo", startTime: 1772892000000, endTime: 1772895600000 },
      },
      { engagement: { id: 29090721, type: "NOTE", timestamp: 1772625600000 }, associations: { contactIds: [247] }, metadata: { body: "likes cats" } },
      { engagement: { id: 29090722, type: "WHATSAPP", timestamp: 1772625600000 }, associations: { contactIds: [247] }, metadata: {} },
      { engagement: { id: 29090723, type: "EMAIL", timestamp: "last tuesday" }, associations: { contactIds: [247] }, metadata: {} },
      { notAnEngagement: true },
    ],
  };

  it("maps emails, replies, calls and meetings, and reports everything else by index", () => {
    const { events, problems } = mapHubspotEngagements(engagements);
    expect(events.map((e) => [e.contactId, e.event.type, e.event.channel, e.event.at, e.event.id])).toEqual([
      ["247", "touch", "email", "2026-03-02T10:00:00.000Z", "hubspot:29090716"],
      ["247", "reply", "email", "2026-03-03T10:00:00.000Z", "hubspot:29090717"],
      ["247", "touch", "call", "2026-03-04T10:00:00.000Z", "hubspot:29090718"],
      ["247", "call_connected", "call", "2026-03-04T10:00:00.000Z", "hubspot:29090718:connected"],
      ["247", "touch", "call", "2026-03-04T11:00:00.000Z", "hubspot:29090719"],
      ["247", "meeting_booked", undefined, "2026-03-04T12:00:00.000Z", "hubspot:29090720"],
    ]);
    expect(events[0]!.event.subject).toBe("Quick question");
    expect(events[5]!.event.startTime).toBe("2026-03-07T14:00:00.000Z");
    expect(problems).toEqual([
      { index: 5, message: "engagement 29090721 is a `NOTE`, neither a touch nor a signal" },
      { index: 6, message: "engagement 29090722 has an unknown type `WHATSAPP`" },
      { index: 7, message: "engagement 29090723 has no valid `timestamp`: `last tuesday`" },
      { index: 8, message: "not a HubSpot engagement: `engagement` is missing" },
    ]);
  });

  it("gives events the engine accepts and decides on", () => {
    const { policy } = parsePolicy(`cadence "p" {\n  channels email, call\n  never call without reply\n}`);
    const engine = compile(policy!);
    const history = mapHubspotEngagements(engagements).events.map((e) => e.event);
    expect(engine.evaluate({ contact: { id: "247" }, history, touch: { channel: "call" }, at: "2026-03-05T10:00:00Z" }).verdict).toBe("allow");
    expect(engine.evaluate({ contact: { id: "247" }, history, touch: { channel: "call" }, at: "2026-03-02T12:00:00Z" }).verdict).toBe("deny");
  });

  it("reports input that is not a list", () => {
    expect(mapHubspotEngagements({ nope: 1 }).problems).toEqual([{ message: "expected a list of HubSpot engagements or a response with `results`" }]);
  });
});

describe("Salesforce tasks and events", () => {
  const response = {
    totalSize: 7,
    done: true,
    records: [
      {
        attributes: { type: "Task", url: "/services/data/v60.0/sobjects/Task/00T5e00000AbCdEAAA" },
        Id: "00T5e00000AbCdEAAA",
        WhoId: "0035e00000XyZ12AAB",
        Subject: "Email: Intro",
        TaskSubtype: "Email",
        Type: "Email",
        Status: "Completed",
        ActivityDate: "2026-03-02",
        CreatedDate: "2026-03-02T15:04:05.000+0000",
      },
      {
        attributes: { type: "Task" },
        Id: "00T5e00000AbCdFAAA",
        WhoId: "0035e00000XyZ12AAB",
        Subject: "Call",
        TaskSubtype: "Call",
        Status: "Completed",
        CallType: "Outbound",
        CallDurationInSeconds: 240,
        CallDisposition: "Connected - interested",
        CompletedDateTime: "2026-03-03T16:30:00.000+0000",
        CreatedDate: "2026-03-03T16:35:00.000+0000",
      },
      {
        attributes: { type: "Task" },
        Id: "00T5e00000AbCdGAAA",
        WhoId: "0035e00000XyZ12AAB",
        TaskSubtype: "Call",
        Status: "Completed",
        CallType: "Outbound",
        CallDurationInSeconds: 30,
        CallDisposition: "Left Message",
        CreatedDate: "2026-03-04T16:00:00.000-0500",
      },
      {
        attributes: { type: "Event" },
        Id: "00U5e00000MtgAAA",
        WhoId: "0035e00000XyZ12AAB",
        Subject: "Demo",
        StartDateTime: "2026-03-10T17:00:00.000+0000",
        EndDateTime: "2026-03-10T17:30:00.000+0000",
        CreatedDate: "2026-03-05T09:00:00.000+0000",
      },
      { attributes: { type: "Task" }, Id: "00T5e00000OpenAAA", TaskSubtype: "Call", Status: "Not Started", ActivityDate: "2026-03-12" },
      { attributes: { type: "Task" }, Id: "00T5e00000TodoAAA", TaskSubtype: "Task", Type: "Other", Status: "Completed", ActivityDate: "2026-03-06" },
      { attributes: { type: "Task" }, TaskSubtype: "Email", Status: "Completed" },
    ],
  };

  it("maps completed tasks to touches, connected calls and meetings, and reports the rest", () => {
    const { events, problems } = mapSalesforceActivities(response);
    expect(events.map((e) => [e.contactId, e.event.type, e.event.channel, e.event.at])).toEqual([
      ["0035e00000XyZ12AAB", "touch", "email", "2026-03-02T15:04:05.000Z"],
      ["0035e00000XyZ12AAB", "touch", "call", "2026-03-03T16:30:00.000Z"],
      ["0035e00000XyZ12AAB", "call_connected", "call", "2026-03-03T16:30:00.000Z"],
      ["0035e00000XyZ12AAB", "touch", "call", "2026-03-04T21:00:00.000Z"],
      ["0035e00000XyZ12AAB", "meeting_booked", undefined, "2026-03-05T09:00:00.000Z"],
    ]);
    expect(problems).toEqual([
      { index: 4, message: "task 00T5e00000OpenAAA is not completed (status `Not Started`): not a sent touch" },
      { index: 5, message: "task 00T5e00000TodoAAA has no channel: `TaskSubtype` `Task`, `Type` `Other`" },
      { index: 6, message: "record without an `Id`" },
    ]);
  });

  it("falls back to midnight UTC of ActivityDate when no date-time is given", () => {
    const { events } = mapSalesforceActivities([{ Id: "t1", TaskSubtype: "LinkedIn", Status: "Completed", ActivityDate: "2026-03-09" }]);
    expect(events.map((e) => [e.event.channel, e.event.at])).toEqual([["linkedin", "2026-03-09T00:00:00.000Z"]]);
  });
});

describe("Outreach mailings and calls", () => {
  const doc = {
    data: [
      {
        type: "mailing",
        id: 101,
        attributes: {
          state: "replied",
          subject: "Following up",
          mailingType: "sequence",
          deliveredAt: "2026-03-02T14:00:00.000Z",
          openedAt: "2026-03-02T15:10:00.000Z",
          clickedAt: null,
          repliedAt: "2026-03-03T09:00:00.000Z",
          bouncedAt: null,
        },
        relationships: { prospect: { data: { type: "prospect", id: 7 } }, sequence: { data: { type: "sequence", id: 3 } } },
      },
      {
        type: "mailing",
        id: 102,
        attributes: { state: "bounced", deliveredAt: null, bouncedAt: "2026-03-02T14:00:05.000Z" },
        relationships: { prospect: { data: { type: "prospect", id: 8 } } },
      },
      { type: "mailing", id: 103, attributes: { state: "scheduled", deliveredAt: null, scheduledAt: "2026-03-09T14:00:00.000Z" }, relationships: { prospect: { data: { type: "prospect", id: 7 } } } },
      {
        type: "call",
        id: 501,
        attributes: { direction: "outbound", outcome: "Answered", dialedAt: "2026-03-04T15:00:00.000Z", answeredAt: "2026-03-04T15:00:20.000Z", completedAt: "2026-03-04T15:06:00.000Z" },
        relationships: { prospect: { data: { type: "prospect", id: 7 } } },
      },
      {
        type: "call",
        id: 502,
        attributes: { direction: "outbound", outcome: "Not Answered", dialedAt: "2026-03-05T15:00:00.000Z", answeredAt: null },
        relationships: { prospect: { data: { type: "prospect", id: 7 } } },
      },
      { type: "call", id: 503, attributes: { direction: "outbound", dialedAt: "03/05/2026" }, relationships: {} },
      { type: "task", id: 900, attributes: { dueAt: "2026-03-05T15:00:00.000Z" } },
    ],
  };

  it("maps deliveries, opens, replies, bounces and calls, and reports drafts and unknown types", () => {
    const { events, problems } = mapOutreachRecords(doc);
    expect(events.map((e) => [e.contactId, e.event.type, e.event.channel, e.event.at])).toEqual([
      ["7", "touch", "email", "2026-03-02T14:00:00.000Z"],
      ["7", "open", "email", "2026-03-02T15:10:00.000Z"],
      ["7", "reply", "email", "2026-03-03T09:00:00.000Z"],
      ["8", "bounce", "email", "2026-03-02T14:00:05.000Z"],
      ["7", "touch", "call", "2026-03-04T15:00:00.000Z"],
      ["7", "call_connected", "call", "2026-03-04T15:00:20.000Z"],
      ["7", "touch", "call", "2026-03-05T15:00:00.000Z"],
    ]);
    expect(new Set(events.map((e) => e.event.id)).size).toBe(events.length);
    expect(problems).toEqual([
      { index: 2, message: "mailing 103 was not delivered (state `scheduled`): no touch or signal" },
      { index: 5, message: "call 503 has an invalid `dialedAt`: `03/05/2026`" },
      { index: 6, message: "resource 900 has an unsupported type `task` (expected `mailing` or `call`)" },
    ]);
  });
});

describe("generic CSV and JSON lines", () => {
  const mapping = parseFieldMapping(`
fields:
  type: activity
  at: occurred_at
  channel: medium
  id: activity_id
  contact: contact_id
props:
  sentiment: reply_sentiment
values:
  type: { "Email sent": touch, "Call made": touch, "Email reply": reply, "Unsubscribed": unsubscribe }
  channel: { Email: email, Phone: call }
`);

  it("maps rows through the value maps and reports bad rows by line", () => {
    const csv = [
      "activity_id,contact_id,activity,medium,occurred_at,reply_sentiment",
      "a1,c-9,Email sent,Email,2026-03-02T10:00:00-05:00,",
      'a2,c-9,Email reply,Email,2026-03-03T09:30:00Z,"positive"',
      'a3,c-9,Call made,Phone,"2026-03-04T10:00:00+01:00",',
      "a4,c-9,Fax sent,Fax,2026-03-04T10:00:00Z,",
      "a5,c-9,Email sent,Email,03/04/2026 10:00,",
      "a6,c-9,Call made,,2026-03-04T10:00:00Z,",
      'a7,c-9,Email sent,Email,"2026-03-05T10:00:00Z"',
      '"a8",c-9,Unsubscribed,"Em',
      'ail",2026-03-06T10:00:00Z,',
    ].join("\r\n");
    const { events, problems } = mapCsv(csv, mapping);
    expect(events.map((e) => [e.line, e.contactId, e.event])).toEqual([
      [2, "c-9", { type: "touch", at: "2026-03-02T15:00:00.000Z", channel: "email", id: "a1" }],
      [3, "c-9", { type: "reply", at: "2026-03-03T09:30:00.000Z", channel: "email", id: "a2", sentiment: "positive" }],
      [4, "c-9", { type: "touch", at: "2026-03-04T09:00:00.000Z", channel: "call", id: "a3" }],
    ]);
    expect(problems).toEqual([
      { line: 5, message: "unknown type `Fax sent` in `activity` (the mapping's `values.type` has `Email sent`, `Call made`, `Email reply`, `Unsubscribed`)" },
      { line: 6, message: "`occurred_at` is not an ISO-8601 instant with an offset or `Z`: `03/04/2026 10:00`" },
      { line: 7, message: "a touch needs a channel, but `medium` is empty" },
      { line: 8, message: "expected 6 cells, found 5" },
      { line: 9, message: "unknown channel `Em\\r\\nail` in `medium`" },
    ]);
  });

  it("names a missing column", () => {
    const { events, problems } = mapCsv("id,when\n1,2026-03-02T10:00:00Z\n", mapping);
    expect(events).toEqual([]);
    expect(problems).toEqual([{ line: 1, message: "the header has no column `activity` (columns: `id`, `when`)" }]);
  });

  it("maps JSON lines with dotted paths and epoch seconds", () => {
    const jsonMapping = parseFieldMapping(JSON.stringify({ fields: { type: "kind", at: "meta.ts", channel: "via", contact: "who.id" }, time: "s" }));
    const text = [
      '{"kind":"touch","via":"sms","meta":{"ts":1772445600},"who":{"id":"p1"}}',
      "",
      '{"kind":"reply","meta":{"ts":"1772532000"},"who":{"id":"p1"},"extra":true}',
      "{not json",
      '["a list"]',
      '{"kind":"open","meta":{"ts":"soon"},"who":{"id":"p1"}}',
      '{"kind":"open","meta":{"ts":1772532000}}',
    ].join("\n");
    const { events, problems } = mapJsonLines(text, jsonMapping);
    expect(events.map((e) => [e.line, e.contactId, e.event.type, e.event.at])).toEqual([
      [1, "p1", "touch", "2026-03-02T10:00:00.000Z"],
      [3, "p1", "reply", "2026-03-03T10:00:00.000Z"],
    ]);
    expect(problems.map((p) => p.line)).toEqual([4, 5, 6, 7]);
    expect(problems[0]!.message).toMatch(/^not valid JSON: /);
    expect(problems.slice(1).map((p) => p.message)).toEqual([
      "expected a JSON object",
      "`meta.ts` is not epoch seconds: `soon`",
      "`who.id` (the contact) is empty",
    ]);
  });

  it("rejects mapping files that name what is wrong", () => {
    const error = (text: string): string => {
      try {
        parseFieldMapping(text);
      } catch (e) {
        if (e instanceof MappingFileError) return e.message;
        throw e;
      }
      return "no error";
    };
    expect(error("fields: { at: when }")).toBe("`fields.type` is required: the column that holds the event's type");
    expect(error("fields: { type: t, at: a, chanel: c }")).toBe("unknown field `fields.chanel` (expected `type`, `at`, `channel`, `id`, `contact`)");
    expect(error("fields: { type: t, at: a }\ntime: hours")).toBe("`time` must be `iso`, `ms` or `s`, got `hours`");
    expect(error("fields: { type: t, at: a }\nvalues: { type: { x: 3 } }")).toBe("`values.type.x` must be a non-empty string, got `3`");
    expect(error("- just\n- a list")).toBe("the mapping file must be a map with `fields`");
    expect(error("fields: [")).toMatch(/^the mapping file is not valid YAML or JSON: /);
  });

  it("reports an unclosed quote with the line it opened on", () => {
    expect(parseCsv('a,b\n1,"open\n2,3\n').error).toEqual({ line: 2, message: "a quoted field is never closed" });
  });
});

describe("vendor timestamps", () => {
  it("accept epoch ms, offsets with and without a colon, and refuse a zone-less date-time", () => {
    expect(toInstant(1772445600000)).toBe("2026-03-02T10:00:00.000Z");
    expect(toInstant("2026-03-02T10:00:00.000+0100")).toBe("2026-03-02T09:00:00.000Z");
    expect(toInstant("2026-03-02T10:00:00-05:00")).toBe("2026-03-02T15:00:00.000Z");
    expect(toInstant("2026-03-02T10:00:00")).toBeUndefined();
    expect(toInstant("2026-02-30T10:00:00Z")).toBe("2026-03-02T10:00:00.000Z");
  });
});

describe("CSV reading", () => {
  const quote = (cell: string): string => (/[",\r\n]/.test(cell) || cell === "" ? `"${cell.replace(/"/g, '""')}"` : cell);

  it("reads back every table written with RFC 4180 quoting, cell for cell", () => {
    const cell = fc.string({ unit: fc.constantFrom("a", "b", " ", ",", '"', "\n", "\r\n", "é", "1") });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }).chain((width) => fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 6 })), (table) => {
        const text = table.map((row) => row.map(quote).join(",")).join("\r\n");
        const { rows, error } = parseCsv(text);
        expect(error).toBeUndefined();
        expect(rows.map((r) => r.cells)).toEqual(table);
        // Each row starts on the line after the line breaks of the rows before it.
        let line = 1;
        table.forEach((row, i) => {
          expect(rows[i]!.line).toBe(line);
          line += 1 + row.map(quote).join(",").split("\n").length - 1;
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe("importing mapped events", () => {
  it("stores each contact's events once, and reports events without a contact", async () => {
    const store = new MemoryStore();
    const mapped = mapOutreachRecords({
      data: [
        { type: "mailing", id: 1, attributes: { deliveredAt: "2026-03-02T14:00:00Z", repliedAt: "2026-03-03T09:00:00Z" }, relationships: { prospect: { data: { type: "prospect", id: 7 } } } },
        { type: "mailing", id: 2, attributes: { deliveredAt: "2026-03-02T15:00:00Z" }, relationships: { prospect: { data: { type: "prospect", id: 8 } } } },
        { type: "mailing", id: 3, attributes: { deliveredAt: "2026-03-02T16:00:00Z" } },
      ],
    });
    const first = await importMappedEvents(store, mapped.events);
    expect(first).toEqual({ added: 3, duplicates: 0, problems: [{ index: 2, message: "`touch` event names no contact" }] });
    const again = await importMappedEvents(store, mapped.events);
    expect(again).toMatchObject({ added: 0, duplicates: 3 });
    expect((await store.history("7")).map((e) => e.type)).toEqual(["touch", "reply"]);
    expect((await store.history("8")).map((e) => e.id)).toEqual(["outreach:mailing:2:delivered"]);
  });

  it("reports an event no store can keep as a problem and imports the rest", async () => {
    const store = new MemoryStore();
    const at = "2026-03-02T14:00:00Z";
    const result = await importMappedEvents(store, [
      { contactId: "7", index: 0, event: { type: "touch", channel: "email", at, id: "a" } },
      { contactId: "7", index: 1, event: { type: "reply", at, id: "b", note: "cut \ud83d" } },
      { contactId: "x\u0000y", index: 2, event: { type: "reply", at, id: "c" } },
      { contactId: "8", index: 3, event: { type: "reply", at, id: "d" } },
    ]);
    expect(result.added).toBe(2);
    expect(result.problems.map((p) => [p.index, p.message.replace(/^(`[^`]+`) (holds|contains) .*/, "$1")])).toEqual([
      [1, "`event.note`"],
      [2, "`contact`"],
    ]);
    expect((await store.history("7")).map((e) => e.id)).toEqual(["a"]);
    expect((await store.history("8")).map((e) => e.id)).toEqual(["d"]);
  });
});

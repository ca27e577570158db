/**
 * Generic CSV and JSON-lines exports to Heed events, driven by a mapping
 * file (YAML or JSON):
 *
 * ```yaml
 * fields:            # which column (CSV) or key (JSON lines, dotted paths) holds what
 *   type: activity
 *   at: occurred_at
 *   channel: medium
 *   id: activity_id
 *   contact: contact_id
 * props:             # extra props to copy: prop name -> column
 *   sentiment: reply_sentiment
 * values:            # value maps, applied before checking
 *   type: { "Email sent": touch, "Email reply": reply }
 *   channel: { Phone: call, Email: email }
 * time: iso          # iso (default), ms or s (epoch numbers)
 * ```
 *
 * @module
 */

import { parse as parseYaml } from "yaml";
import { idOf, isRecord, show, toInstant, type CrmEvent, type MappingProblem, type MappingResult } from "./common.js";
import { parseCsv } from "./csv.js";

/** A checked mapping file. */
export interface FieldMapping {
  /** Which column or field holds each part of an event. */
  fields: {
    /** The event type (`touch`, `reply`, ...), after `values.type`. */
    type: string;
    /** The instant. */
    at: string;
    /** The touch's channel, after `values.channel`. */
    channel?: string;
    /** The event's id, for dedupe. */
    id?: string;
    /** The contact's id. */
    contact?: string;
  };
  /** Event props by name, from the column or field named. */
  props: Record<string, string>;
  /** Renames of values as the source writes them. */
  values: {
    /** Source value to event type (`"Email sent": touch`). */
    type?: Record<string, string>;
    /** Source value to channel (`Phone: call`). */
    channel?: Record<string, string>;
  };
  /** How instants are written: ISO-8601, or epoch milliseconds or seconds. */
  time: "iso" | "ms" | "s";
}

/** A mapping file that is not usable; the message names the field. */
export class MappingFileError extends Error {
  /** Always `MappingFileError`. */
  override readonly name = "MappingFileError";
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw new MappingFileError(`\`${where}\` must be a map of names to names`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string" || v === "") throw new MappingFileError(`\`${where}.${k}\` must be a non-empty string, got \`${show(v)}\``);
    out[k] = v;
  }
  return out;
}

/** Reads and checks a mapping file (YAML or JSON text). Throws {@link MappingFileError}. */
export function parseFieldMapping(text: string): FieldMapping {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new MappingFileError(`the mapping file is not valid YAML or JSON: ${(error as Error).message.split("\n")[0]}`);
  }
  if (!isRecord(raw)) throw new MappingFileError("the mapping file must be a map with `fields`");
  const known = ["fields", "props", "values", "time"];
  const extra = Object.keys(raw).find((k) => !known.includes(k));
  if (extra !== undefined) throw new MappingFileError(`unknown key \`${extra}\` in the mapping file (expected ${known.map((k) => `\`${k}\``).join(", ")})`);
  const fields = stringMap(raw.fields, "fields");
  for (const required of ["type", "at"]) {
    if (fields[required] === undefined) throw new MappingFileError(`\`fields.${required}\` is required: the column that holds the event's ${required}`);
  }
  const unknownField = Object.keys(fields).find((k) => !["type", "at", "channel", "id", "contact"].includes(k));
  if (unknownField !== undefined) throw new MappingFileError(`unknown field \`fields.${unknownField}\` (expected \`type\`, \`at\`, \`channel\`, \`id\`, \`contact\`)`);
  const values = raw.values === undefined ? {} : raw.values;
  if (!isRecord(values)) throw new MappingFileError("`values` must be a map with `type` and/or `channel`");
  const unknownValues = Object.keys(values).find((k) => k !== "type" && k !== "channel");
  if (unknownValues !== undefined) throw new MappingFileError(`unknown key \`values.${unknownValues}\` (expected \`type\` or \`channel\`)`);
  const time = raw.time ?? "iso";
  if (time !== "iso" && time !== "ms" && time !== "s") throw new MappingFileError(`\`time\` must be \`iso\`, \`ms\` or \`s\`, got \`${show(time)}\``);
  return {
    fields: fields as FieldMapping["fields"],
    props: stringMap(raw.props, "props"),
    values: {
      ...(values.type !== undefined ? { type: stringMap(values.type, "values.type") } : {}),
      ...(values.channel !== undefined ? { channel: stringMap(values.channel, "values.channel") } : {}),
    },
    time,
  };
}

/** Reads a dotted path (`data.attributes.at`) of a JSON record; a CSV row is flat. */
function read(record: Record<string, unknown>, path: string): unknown {
  if (path in record) return record[path];
  let value: unknown = record;
  for (const part of path.split(".")) {
    if (!isRecord(value)) return undefined;
    value = value[part];
  }
  return value;
}

function mapRecord(record: Record<string, unknown>, mapping: FieldMapping, where: { index?: number; line?: number }): CrmEvent | MappingProblem {
  const problem = (message: string): MappingProblem => ({ ...where, message });
  const { fields, values } = mapping;
  const rawType = read(record, fields.type);
  if (rawType === undefined || rawType === null || rawType === "") return problem(`\`${fields.type}\` (the type) is empty`);
  let type = String(rawType);
  if (values.type) {
    const mapped = values.type[type];
    if (mapped === undefined) return problem(`unknown type \`${show(type)}\` in \`${fields.type}\` (the mapping's \`values.type\` has ${Object.keys(values.type).map((k) => `\`${k}\``).join(", ")})`);
    type = mapped;
  }
  const rawAt = read(record, fields.at);
  const at = mapping.time === "iso" ? (typeof rawAt === "string" && !/^\d+$/.test(rawAt) ? toInstant(rawAt) : undefined) : toInstant(typeof rawAt === "string" ? Number(rawAt) : rawAt, mapping.time);
  if (at === undefined) {
    const expected = mapping.time === "iso" ? "an ISO-8601 instant with an offset or `Z`" : `epoch ${mapping.time === "ms" ? "milliseconds" : "seconds"}`;
    return problem(`\`${fields.at}\` is not ${expected}: \`${show(rawAt)}\``);
  }
  const event: Record<string, unknown> & { type: string; at: string } = { type, at };
  if (fields.channel !== undefined) {
    const rawChannel = read(record, fields.channel);
    if (rawChannel !== undefined && rawChannel !== null && rawChannel !== "") {
      let channel = String(rawChannel);
      if (values.channel) {
        const mapped = values.channel[channel];
        if (mapped === undefined) return problem(`unknown channel \`${show(channel)}\` in \`${fields.channel}\``);
        channel = mapped;
      }
      event.channel = channel;
    }
  }
  if (type === "touch" && event.channel === undefined) return problem(`a touch needs a channel, but \`${fields.channel ?? "channel"}\` is empty`);
  if (fields.id !== undefined) {
    const id = idOf(read(record, fields.id));
    if (id === undefined) return problem(`\`${fields.id}\` (the id) is empty`);
    event.id = id;
  }
  for (const [prop, column] of Object.entries(mapping.props)) {
    const value = read(record, column);
    if (value !== undefined && value !== null && value !== "") event[prop] = value;
  }
  const contactId = fields.contact === undefined ? undefined : idOf(read(record, fields.contact));
  if (fields.contact !== undefined && contactId === undefined) return problem(`\`${fields.contact}\` (the contact) is empty`);
  return { contactId, event, ...where };
}

function collect(results: (CrmEvent | MappingProblem)[]): MappingResult {
  const events: CrmEvent[] = [];
  const problems: MappingProblem[] = [];
  for (const r of results) {
    if ("event" in r) events.push(r);
    else problems.push(r);
  }
  return { events, problems };
}

/** Maps a CSV export with a header row; problems carry the line of their row. */
export function mapCsv(text: string, mapping: FieldMapping): MappingResult {
  const { rows, error } = parseCsv(text);
  const header = rows[0];
  if (!header) return { events: [], problems: error ? [error] : [{ line: 1, message: "the CSV file is empty: expected a header row" }] };
  const columns = header.cells.map((c) => c.trim());
  const needed = [mapping.fields.type, mapping.fields.at, mapping.fields.channel, mapping.fields.id, mapping.fields.contact, ...Object.values(mapping.props)];
  const missing = needed.filter((c): c is string => c !== undefined && !columns.includes(c));
  if (missing.length > 0) return { events: [], problems: [{ line: header.line, message: `the header has no column \`${missing[0]}\` (columns: ${columns.map((c) => `\`${c}\``).join(", ")})` }] };
  const results = rows.slice(1).map((row): CrmEvent | MappingProblem => {
    if (row.cells.length !== columns.length) return { line: row.line, message: `expected ${columns.length} cells, found ${row.cells.length}` };
    const record: Record<string, unknown> = {};
    columns.forEach((c, i) => (record[c] = row.cells[i]!.trim()));
    return mapRecord(record, mapping, { line: row.line });
  });
  const out = collect(results);
  if (error) out.problems.push(error);
  return out;
}

/** Maps JSON lines (one object per line; blank lines are skipped); problems carry their line. */
export function mapJsonLines(text: string, mapping: FieldMapping): MappingResult {
  const results: (CrmEvent | MappingProblem)[] = [];
  text.split(/\r?\n/).forEach((content, i) => {
    const line = i + 1;
    if (content.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch (error) {
      results.push({ line, message: `not valid JSON: ${(error as Error).message}` });
      return;
    }
    if (!isRecord(value)) results.push({ line, message: "expected a JSON object" });
    else results.push(mapRecord(value, mapping, { line }));
  });
  return collect(results);
}

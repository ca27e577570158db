/**
 * Everything about a contact that processing and judging need besides its
 * state: the contact, its time zone and calendar under the policy, and
 * where stage changes are recorded for explanations.
 *
 * @module
 */

import { HeedInputError } from "../diagnostics.js";
import type { Contact } from "../model.js";
import type { FactChange, StageChange } from "./api.js";
import { NO_ACCOUNT, type AccountTouch } from "./input.js";
import type { IrDuration } from "./ir.js";
import type { Runtime, StageRuntime } from "./runtime.js";
import { RegionHolidays } from "./holidays.js";
import { addDuration, makeCalendar, type Calendar, type Zone } from "./time.js";

/** How many sums per amount a calendar remembers before starting afresh. */
const MAX_SUMS = 4096;

/** The contact as processing sees it under one policy. */
export interface Context {
  contact: Contact;
  /** The zone used for local time, when the contact or the policy gives one. */
  zone: Zone | undefined;
  /**
   * That zone's calendar under the policy's holidays (and, under `holidays
   * from`, the contact's region's); undefined without a zone, or without a
   * region where the policy reads one and has no fallback.
   */
  calendar: Calendar | undefined;
  /** Where stage changes are recorded, for explanations. */
  log: StageChange[] | undefined;
  /** The stage last looked up for this contact, and its runtime: events and timers mostly find the contact where the last left it. */
  stageName: string | undefined;
  stageInfo: StageRuntime | undefined;
  /** The touches sent to the account's other contacts up to the decision instant, by instant (limits `across account`). */
  account: readonly AccountTouch[];
  /** Where changes of the facts about the history are recorded, for explanations. */
  facts?: FactChange[] | undefined;
}

/**
 * The context of a contact under a policy. Its zone is read from the
 * policy's `timezone from` path (normally `contact.timezone`), else the
 * policy's fallback.
 */
export function makeContext(rt: Runtime, contact: Contact, account: readonly AccountTouch[] = NO_ACCOUNT): Context {
  let zoneName: string | undefined;
  const from = rt.ir.timezone.from;
  if (from[0] === "contact" && from.length === 2 && from[1] === "timezone") {
    zoneName = contact.timezone;
  } else if (from[0] === "contact" && from.length >= 2) {
    const name = from[from.length === 3 && from[1] === "attributes" ? 2 : 1]!;
    const attributes = contact.attributes;
    // an own attribute only: `contact.constructor` names no zone
    const value = attributes !== undefined && Object.hasOwn(attributes, name) ? attributes[name] : undefined;
    if (typeof value === "string") {
      if (!rt.zones.isValid(value)) {
        throw new HeedInputError(
          "unknown-timezone",
          `contact.attributes.${name}`,
          `unknown time zone \`${value}\` in \`contact.attributes.${name}\` (expected an IANA name such as \`America/New_York\`)`,
        );
      }
      zoneName = value;
    }
  }
  const fallback = rt.ir.timezone.fallback;
  if (zoneName === undefined && fallback !== null && rt.zones.isValid(fallback)) zoneName = fallback;
  // read even without a zone: an unknown region is an input error either way
  const region = rt.ir.holidaysFrom === undefined ? null : regionOf(rt, contact);
  if (zoneName === undefined) return { contact, zone: undefined, calendar: undefined, log: undefined, facts: undefined, stageName: undefined, stageInfo: undefined, account };
  if (region === undefined) return { contact, zone: rt.zones.zone(zoneName), calendar: undefined, log: undefined, facts: undefined, stageName: undefined, stageInfo: undefined, account };
  const key = region === null ? zoneName : `${zoneName} ${region}`;
  let calendar = rt.calendars.get(key);
  if (calendar === undefined) {
    calendar = makeCalendar(rt.zones.zone(zoneName), region === null ? rt.holidays : regionHolidays(rt, region));
    if (rt.calendars.size >= MAX_CALENDARS) rt.calendars.clear();
    rt.calendars.set(key, calendar);
  }
  return { contact, zone: calendar.zone, calendar, log: undefined, facts: undefined, stageName: undefined, stageInfo: undefined, account };
}

/** How many calendars (zone and region) a policy keeps before it starts afresh (both come from input). */
const MAX_CALENDARS = 10_000;

/**
 * The contact's holiday region under `holidays from PATH else "CODE"`
 * (upper case): the attribute's value, else the policy's fallback, else
 * undefined (business days then fail closed: `unknown-calendar`). A value
 * that is no region code the holiday data knows is an input error
 * (`invalid-attribute`), never a calendar without holidays.
 */
function regionOf(rt: Runtime, contact: Contact): string | undefined {
  const spec = rt.ir.holidaysFrom!;
  const from = spec.from;
  const name = from[from.length === 3 && from[1] === "attributes" ? 2 : 1]!;
  const attributes = contact.attributes;
  // an own attribute only: `contact.constructor` names no region
  const value = attributes !== undefined && Object.hasOwn(attributes, name) ? attributes[name] : undefined;
  if (value === undefined || value === null) return spec.fallback ?? undefined;
  if (typeof value !== "string" || !rt.holidayTable.isValid(value)) {
    const shown = typeof value === "string" ? `\`${value}\`` : `a ${Array.isArray(value) ? "list" : typeof value}`;
    throw new HeedInputError(
      "invalid-attribute",
      `contact.attributes.${name}`,
      `unknown holiday region ${shown} in \`contact.attributes.${name}\` (expected a country code with an optional subdivision, such as \`US\`, \`US-NY\` or \`GB-ENG\`)`,
    );
  }
  return value.toUpperCase();
}

/** The region's holidays with the policy's dates, made once per policy and region. */
function regionHolidays(rt: Runtime, region: string): RegionHolidays {
  let holidays = rt.regions.get(region);
  if (holidays === undefined) {
    holidays = new RegionHolidays(rt.holidayTable, region, rt.holidays);
    rt.regions.set(region, holidays);
  }
  return holidays;
}

/** Adds a business-day or fixed duration; `undefined` when business days have no zone to count in. */
export function addIn(ctx: Context, at: number, d: IrDuration): number | undefined {
  if (d.unit !== "business-days") return addDuration(at, d.amount, d.unit, undefined);
  if (ctx.calendar === undefined) return undefined;
  // Walking the local calendar is the costly part of deciding: remember the sums (a pure function of zone, holidays and input).
  const sums = ctx.calendar.sums;
  let memo = sums.get(d.amount);
  const known = memo?.get(at);
  if (known !== undefined) return known;
  const sum = addDuration(at, d.amount, d.unit, ctx.calendar);
  if (memo === undefined) {
    memo = new Map();
    sums.set(d.amount, memo);
  }
  if (memo.size >= MAX_SUMS) memo.clear();
  memo.set(at, sum);
  return sum;
}

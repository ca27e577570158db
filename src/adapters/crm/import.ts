/**
 * Stores mapped CRM events in contacts' histories, one transaction per
 * contact; redelivered events (same type and id) are skipped. Events the
 * engine would refuse or no store can keep, and events that name no
 * contact, come back as problems.
 *
 * @module
 */

import { randomUUID } from "node:crypto";
import { HeedInputError } from "../../diagnostics.js";
import { checkEvent } from "../../engine/input.js";
import { checkStorableEvent, checkStorableKey } from "../store/check.js";
import type { Store, StoredEvent } from "../store/types.js";
import type { CrmEvent, MappingProblem } from "./common.js";

/** What {@link importMappedEvents} stored. */
export interface ImportResult {
  /** How many events were new. */
  added: number;
  /** How many were already stored (same contact and id). */
  duplicates: number;
  /** Events that could not be stored (no contact), with their index or line. */
  problems: MappingProblem[];
}

/** Appends mapped events to the store, grouped by contact. Events without an id get one from `newId`. */
export async function importMappedEvents(store: Store, events: readonly CrmEvent[], newId: () => string = randomUUID): Promise<ImportResult> {
  const byContact = new Map<string, StoredEvent[]>();
  const problems: MappingProblem[] = [];
  for (const mapped of events) {
    const where = mapped.line !== undefined ? { line: mapped.line } : mapped.index !== undefined ? { index: mapped.index } : {};
    if (mapped.contactId === undefined) {
      problems.push({ ...where, message: `\`${mapped.event.type}\` event names no contact` });
      continue;
    }
    try {
      checkEvent(mapped.event, undefined, "event");
      // What no store keeps is this event's problem, not a failure of the whole import.
      checkStorableKey(mapped.contactId, "invalid-contact", "contact");
      checkStorableEvent(mapped.event, "event");
    } catch (error) {
      if (!(error instanceof HeedInputError)) throw error;
      problems.push({ ...where, message: error.message });
      continue;
    }
    const list = byContact.get(mapped.contactId) ?? [];
    list.push({ ...mapped.event, id: mapped.event.id ?? newId() });
    byContact.set(mapped.contactId, list);
  }
  let added = 0;
  let duplicates = 0;
  for (const [contactId, list] of byContact) {
    const result = await store.append(contactId, list);
    added += result.added.length;
    duplicates += result.duplicates.length;
  }
  return { added, duplicates, problems };
}

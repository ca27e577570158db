/**
 * CRM event mapping: vendor records to Heed history events. Every mapper
 * returns `{ events, problems }`; a record it cannot map is a problem with
 * its index or line, never dropped silently.
 *
 * @module
 */

export type { CrmEvent, MappingProblem, MappingResult } from "./common.js";
export { toInstant } from "./common.js";
export { mapHubspotEngagements } from "./hubspot.js";
export { mapSalesforceActivities } from "./salesforce.js";
export { mapOutreachRecords } from "./outreach.js";
export { mapCsv, mapJsonLines, parseFieldMapping, MappingFileError, type FieldMapping } from "./generic.js";
export { parseCsv, type CsvRow, type CsvResult } from "./csv.js";
export { importMappedEvents, type ImportResult } from "./import.js";

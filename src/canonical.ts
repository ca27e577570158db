/**
 * Canonical JSON: object keys sorted, `undefined` fields left out, so that
 * equal values give equal text whatever the order their fields were made
 * in. Policy versions are fingerprints of it, and the decision log hashes
 * inputs with it.
 *
 * @module
 */

/** JSON text with every object's keys sorted (code-unit order) and `undefined` fields left out (`null` inside arrays). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

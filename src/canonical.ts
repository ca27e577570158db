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
  // The runtime's serializer writes the text (strings escaped, numbers
  // formatted) several times faster than joining it here, and writes an
  // object's keys in the order they were added: a copy of the value with
  // its keys added in sorted order is all it needs. Keys that look like
  // list indexes (`"10"`, `"9"`) are the exception: every object lists
  // those first, in numeric order, so such a value is written here.
  const sorted = sortedCopy(value);
  return sorted === INDEX_KEYS ? written(value) : (JSON.stringify(sorted) ?? "null");
}

/** What {@link sortedCopy} answers for a value with a key that starts with a digit: {@link written} writes it. */
const INDEX_KEYS: unique symbol = Symbol("index keys");

/**
 * `value` with the keys of every object in code-unit order, or
 * {@link INDEX_KEYS}. An object is copied when its keys, or a descendant's,
 * are out of order, or when the serializer would write it differently
 * from its own enumerable keys (a `Date`'s `toJSON`, a function's field
 * left out); otherwise it is the value itself.
 */
function sortedCopy(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    // The serializer writes `undefined`, functions and symbols in a list as `null`, as canonical JSON does.
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const sorted = sortedCopy(item);
      if (sorted === INDEX_KEYS) return INDEX_KEYS;
      if (sorted !== item) (copy ??= value.slice())[i] = sorted;
    }
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let inOrder = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const first = key.charCodeAt(0);
    if (first >= 0x30 && first <= 0x39) return INDEX_KEYS;
    if (i > 0 && keys[i - 1]! > key) inOrder = false;
  }
  if (!inOrder) sortKeys(keys);
  const prototype: unknown = Object.getPrototypeOf(record);
  // The copy, made once a field must differ from the value's (until then, the value itself may do).
  let out: Record<string, unknown> | undefined = inOrder && (prototype === Object.prototype || prototype === null) ? undefined : {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = record[key];
    let sorted = sortedCopy(item);
    if (sorted === INDEX_KEYS) return INDEX_KEYS;
    // Canonical JSON writes a function's or a symbol's field as `null`; the serializer would leave it out.
    if (typeof sorted === "function" || typeof sorted === "symbol") sorted = null;
    if (out === undefined) {
      if (sorted === item) continue;
      out = {};
      for (let j = 0; j < i; j++) if (record[keys[j]!] !== undefined) out[keys[j]!] = record[keys[j]!];
    }
    if (sorted !== undefined) out[key] = sorted;
  }
  return out ?? record;
}

/** Sorts keys in code-unit order: by insertion when they are few (most objects), cheaper than the runtime's sort there. */
function sortKeys(keys: string[]): void {
  if (keys.length > 16) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > key; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = key;
  }
}

/** Canonical JSON written a piece at a time: the definition, for values {@link sortedCopy} cannot hand to the serializer. */
function written(value: unknown): string {
  if (Array.isArray(value)) return `[${Array.from(value, (v: unknown) => written(v === undefined ? null : v)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${written(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

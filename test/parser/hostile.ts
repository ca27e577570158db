/**
 * Hostile inputs for the whole pipeline, shared by `scripts/fuzz.ts` (the
 * long runs) and `test/parser/fuzz-smoke.test.ts` (a few hundred in the
 * suite): policy texts in both forms built to break a parser (the names of
 * `Object.prototype` wherever the grammar takes a word, huge numbers, deep
 * nesting, long lines, random bytes, mutated real policies), each with
 * contacts and histories as hostile as the policies.
 *
 * Input `index` of a run with `seed` is always the same input, so a failure
 * is reproduced from its two numbers.
 */

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

import type { Diagnostic } from "../../src/diagnostics.js";
import { HeedInputError, hasErrors } from "../../src/diagnostics.js";
import { analyzePolicy, analyzeSilentContact } from "../../src/analysis/index.js";
import { compile } from "../../src/engine/index.js";
import type { EvaluateInput, HistoryEvent } from "../../src/model.js";
import { parsePolicy } from "../../src/parser/index.js";
import { KEYWORDS } from "../../src/lexer/tokens.js";

// ---------------------------------------------------------------- randomness

/** mulberry32: a small, fast, seeded generator. */
export class Random {
  private state: number;
  /** How often a choice takes its hostile branch (0 to 1): low for policies meant to compile, with prototype names as their names. */
  hostility = 1;
  /** The channels and signals of the policy being made: mild choices use them, so that it compiles. */
  channels: string[] = [];
  signals: string[] = ["reply", "unsubscribe", "meeting_booked"];

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }

  /**
   * A size up to `max`: mostly small, sometimes in the thousands, rarely
   * near `max` (a long run spends its time on what is rare, not on
   * rereading the same huge text).
   */
  size(max: number): number {
    const roll = this.next();
    return roll < 0.85 ? this.int(Math.min(max, 100)) : roll < 0.97 ? this.int(Math.min(max, 5_000)) : this.int(max);
  }

  /** True when this choice is to be hostile. */
  hostile(): boolean {
    return this.next() < this.hostility;
  }
}

/** The seed of input `index` of a run: every input stands alone. */
function inputSeed(seed: number, index: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ index, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

// ---------------------------------------------------------------- word pools

/** Every name a plain object inherits (`constructor`, `__proto__`, `toString`, `hasOwnProperty`, ...). */
export const PROTOTYPE_NAMES: readonly string[] = Object.getOwnPropertyNames(Object.prototype);
const IDENTIFIER_PROTOTYPE_NAMES = PROTOTYPE_NAMES.filter((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
const NAMES = ["email", "call", "sms", "reply", "nurture", "closed", "open", "a", "b", "x-y", "role", "tier", "sentiment", "engaged", "prospecting"];
const UNITS = ["minute", "minutes", "hours", "hour", "day", "days", "week", "weeks", "business days", "business day", "mins", "h", "fortnights", "business hours"];
const NUMBERS = [
  "0", "1", "2", "3", "7", "14", "24", "64", "65", "999", "1000", "1001", "26000", "26001", "36500", "36501", "5214", "876000",
  "52560000", "99999", "99999999", "9007199254740991", "9007199254740993", "1" + "0".repeat(30), "9".repeat(400), "1.5", "0.0000001", "-3", "007",
];
const TIMES = ["00:00", "08:00", "09:00", "21:00", "23:59", "24:00", "12:60", "99:99", "9:00", "00:00"];
const DATES = ["2026-11-26", "2026-12-25", "0000-01-01", "9999-12-31", "2026-02-29", "2024-02-29", "2026-13-01", "0001-01-01"];
const ZONES = ["UTC", "America/New_York", "Europe/London", "Pacific/Apia", "Pacific/Kwajalein", "Asia/Kolkata", "Mars/Base", "", "constructor", "toString"];

/** A word for a name slot: mostly prototype names and keywords, sometimes a huge or odd name. */
function word(r: Random): string {
  if (!r.hostile()) return r.chance(0.6) ? r.pick(IDENTIFIER_PROTOTYPE_NAMES) : r.pick(NAMES);
  const roll = r.next();
  if (roll < 0.35) return r.pick(IDENTIFIER_PROTOTYPE_NAMES);
  if (roll < 0.5) return r.pick(KEYWORDS);
  if (roll < 0.9) return r.pick(NAMES);
  if (roll < 0.95) return `n${"x".repeat(r.size(5_000))}`;
  return r.pick(["ü", "名前", "a\u0000b", "_", "-", "9lives", "a--b", "\u{1F600}"]);
}

/** A word for the YAML form: any text, prototype names first. */
function yamlWord(r: Random): string {
  return r.chance(0.6) ? r.pick(r.hostile() ? PROTOTYPE_NAMES : IDENTIFIER_PROTOTYPE_NAMES) : word(r);
}

function number(r: Random): string {
  return r.hostile() ? r.pick(NUMBERS) : r.pick(["1", "2", "3", "7", "14", "24", "30"]);
}

function duration(r: Random): string {
  if (!r.hostile()) return `${number(r)} ${r.pick(["minutes", "hours", "days", "weeks", "business days"])}`;
  const unit = r.chance(0.3) ? r.pick(PROTOTYPE_NAMES) : r.pick(UNITS);
  return `${number(r)} ${unit}`;
}

function window(r: Random): string {
  const roll = r.next();
  if (roll < 0.3) return r.pick(["day", "week", "month", "constructor"]);
  return duration(r);
}

function stringLiteral(r: Random): string {
  if (!r.hostile()) return JSON.stringify(word(r));
  const roll = r.next();
  if (roll < 0.6) return JSON.stringify(word(r));
  if (roll < 0.8) return `"${"s".repeat(r.size(200_000))}"`;
  if (roll < 0.9) return `"${"\\".repeat(r.int(40))}${"\\\"".repeat(r.int(40))}"`;
  return `"unclosed ${word(r)}`;
}

function path(r: Random): string {
  const heads = ["contact", "touch", "signal", "event", "touches", "ignored", "total_touches", "time_in_stage", word(r)];
  const segments = [r.pick(heads)];
  const n = r.int(4);
  for (let i = 0; i < n; i++) segments.push(r.chance(0.5) ? r.pick(PROTOTYPE_NAMES.filter((p) => /^\w+$/.test(p))) : word(r));
  return segments.join(".");
}

function operand(r: Random): string {
  const roll = r.next();
  if (roll < 0.4) return path(r);
  if (roll < 0.6) return number(r);
  if (roll < 0.75) return stringLiteral(r);
  if (roll < 0.85) return `[${Array.from({ length: r.int(6) }, () => (r.chance(0.5) ? stringLiteral(r) : number(r))).join(", ")}]`;
  if (roll < 0.95) return duration(r);
  return r.pick(["true", "false"]);
}

/** A condition, sometimes nested or chained far past the limits. */
function condition(r: Random, depth = 0): string {
  const roll = r.hostile() ? r.next() : 0.2 + r.next() * 0.8;
  if (depth === 0 && roll < 0.04) return `${"(".repeat(10 + r.size(100_000))}touches > 1${")".repeat(r.int(3) === 0 ? 0 : 10)}`;
  if (depth === 0 && roll < 0.08) return `${"not ".repeat(10 + r.size(5_000))}exists contact.role`;
  if (depth === 0 && roll < 0.12) return Array.from({ length: 2 + r.size(3_000) }, () => "touches > 1").join(r.chance(0.5) ? " and " : " or ");
  if (depth < 4 && roll < 0.35) return `${condition(r, depth + 1)} ${r.pick(["and", "or"])} ${condition(r, depth + 1)}`;
  if (depth < 4 && roll < 0.45) return `not (${condition(r, depth + 1)})`;
  if (roll < 0.55) return `exists ${path(r)}`;
  if (roll < 0.7) return `${operand(r)} ${r.pick(["in", "not in"])} ${operand(r)}`;
  return `${operand(r)} ${r.hostile() ? r.pick(["==", "!=", "<", "<=", ">", ">=", "=", "=>"]) : r.pick(["==", "!=", "<", ">="])} ${operand(r)}`;
}

function channelSet(r: Random): string {
  if (r.chance(0.2)) return r.pick(["any", "touches"]);
  if (!r.hostile() && r.channels.length > 0) return [...new Set(Array.from({ length: 1 + r.int(2) }, () => r.pick(r.channels)))].join(", ");
  return Array.from({ length: 1 + r.int(3) }, () => word(r)).join(", ");
}

function rule(r: Random): string {
  const prefix = r.chance(0.2) ? `rule ${word(r)}: ` : "";
  switch (r.int(9)) {
    case 0:
      return `${prefix}never ${channelSet(r)} without ${signal(r)}`;
    case 1:
      return `${prefix}never ${channelSet(r)} after ${signal(r)}${r.chance(0.3) ? ` where ${condition(r)}` : ""}`;
    case 2:
      return `${prefix}never ${channelSet(r)} within ${duration(r)} of ${signal(r)}`;
    case 3:
      return `${prefix}never ${channelSet(r)}${r.chance(0.2) ? ` tagged ${stringLiteral(r)}` : ""} when ${condition(r)}`;
    case 4:
      return `${prefix}at most ${number(r)} ${channelSet(r)} per ${window(r)}`;
    case 5:
      return `${prefix}at least ${duration(r)} between ${channelSet(r)}`;
    case 6:
      return `${prefix}quiet hours ${r.pick(TIMES)} to ${r.pick(TIMES)}${r.chance(0.3) ? ` for ${channelSet(r)}` : ""}`;
    case 7:
      return `${prefix}only business days${r.chance(0.3) ? ` for ${channelSet(r)}` : ""}`;
    default:
      return r.hostile() ? `${prefix}${word(r)} ${word(r)} ${number(r)}` : `${prefix}at most ${number(r)} ${channelSet(r)} per day`;
  }
}

function transition(r: Random, stages: readonly string[]): string {
  const target = (r.chance(0.85) || !r.hostile()) && stages.length > 0 ? r.pick(stages) : word(r);
  switch (r.int(5)) {
    case 0:
      return `after ${number(r)} ignored touches move to ${target}`;
    case 1:
      return `after ${number(r)} touches move to ${target}`;
    case 2:
      return `after ${duration(r)} move to ${target}`;
    case 3:
      return `on ${signal(r)}${r.chance(0.3) ? ` where ${condition(r)}` : ""} move to ${target}`;
    default:
      return `when ${condition(r)} move to ${target}`;
  }
}

/** A DSL policy from the grammar's statements, its words and numbers chosen to hurt. */
/** A name for a signal: one the policy uses again, mostly, when mild. */
function signal(r: Random): string {
  return r.hostile() ? word(r) : r.pick(r.signals);
}

function templateDsl(r: Random): string {
  const channels = [...new Set(Array.from({ length: 1 + r.int(4) }, () => word(r)))];
  r.channels = channels;
  if (!r.hostile()) r.signals = [...r.signals, word(r)];
  const stages = [...new Set(Array.from({ length: r.int(4) }, () => word(r)))];
  const lines: string[] = [];
  if (r.chance(0.6)) lines.push(`timezone from ${r.chance(0.7) ? "contact.timezone" : path(r)} else ${JSON.stringify(r.hostile() ? r.pick(ZONES) : "UTC")}`);
  lines.push(`channels ${channels.join(", ")}`);
  if (r.chance(0.3)) lines.push(`engagement ${Array.from({ length: 1 + r.int(3) }, () => word(r)).join(", ")}`);
  if (r.chance(0.4)) lines.push(`ignore window ${duration(r)}`);
  if (r.chance(0.2)) lines.push(`holidays ${Array.from({ length: 1 + r.int(3) }, () => r.pick(DATES)).join(", ")}`);
  if (r.chance(0.2)) lines.push(`applies when ${condition(r)}`);
  stages.forEach((name, i) => {
    const body: string[] = [];
    if (r.chance(0.7)) body.push(`allow ${channels.filter(() => r.chance(0.7)).join(", ") || (r.hostile() ? word(r) : channels[0]!)}`);
    for (let k = r.int(3); k > 0; k--) body.push(rule(r));
    for (let k = r.int(3); k > 0; k--) body.push(transition(r, stages));
    const final = i > 0 && r.chance(0.2);
    const head = `${i === 0 ? "start " : final ? "final " : ""}stage ${name}`;
    lines.push((body.length === 0 && r.chance(0.5)) || (final && !r.hostile()) ? head : `${head} {\n    ${body.join("\n    ")}\n  }`);
  });
  for (let k = r.int(4); k > 0; k--) lines.push(rule(r));
  for (let k = r.int(2); k > 0; k--) if (stages.length > 0 || r.hostile()) lines.push(transition(r, stages));
  const name = r.chance(0.8) ? JSON.stringify(word(r)) : word(r);
  return `cadence ${name} {\n  ${lines.join("\n  ")}\n}\n`;
}

/** The same in the YAML form (as a text, so that anything may go in a value). */
function templateYaml(r: Random): string {
  const q = (text: string): string => (r.chance(0.5) ? JSON.stringify(text) : text);
  const lines: string[] = [`cadence: ${q(yamlWord(r))}`];
  const channels = [...new Set(Array.from({ length: 1 + r.int(4) }, () => yamlWord(r)))];
  r.channels = channels;
  lines.push(`channels: [${channels.map(q).join(", ")}]`);
  if (r.chance(0.5)) lines.push(`timezone: { from: ${r.chance(0.7) ? "contact.timezone" : path(r)}, fallback: ${q(r.hostile() ? r.pick(ZONES) : "UTC")} }`);
  if (r.chance(0.5)) lines.push(`ignoreWindow: ${q(duration(r))}`);
  if (r.chance(0.2)) lines.push(`holidays: [${Array.from({ length: 1 + r.int(3) }, () => r.pick(DATES)).join(", ")}]`);
  if (r.hostile() && r.chance(0.2)) lines.push(`${r.pick(PROTOTYPE_NAMES)}: ${q(yamlWord(r))}`);
  const stages = [...new Set(Array.from({ length: r.int(3) }, () => yamlWord(r)))];
  if (stages.length > 0) {
    lines.push(`start: ${q(stages[0]!)}`, "stages:");
    for (const stage of stages) {
      lines.push(`  ${q(stage)}:`);
      if (stage !== stages[0] && r.chance(0.3)) lines.push("    final: true");
      else lines.push(`    allow: [${channels.filter(() => r.chance(0.7)).map(q).join(", ")}]`);
      if (r.chance(0.6)) {
        lines.push("    transitions:");
        for (let k = 1 + r.int(2); k > 0; k--) {
          const target = q(r.pick(stages));
          const trigger = r.pick([`after: ${q(`${number(r)} ignored touches`)}`, `after: ${q(duration(r))}`, `on: ${q(signal(r))}`, `when: ${JSON.stringify(condition(r))}`]);
          lines.push(`      - { ${trigger}, moveTo: ${target} }`);
        }
      }
    }
  }
  lines.push("rules:");
  for (let k = 1 + r.int(3); k > 0; k--) {
    const of = r.hostile() && r.chance(0.2) ? q(yamlWord(r)) : r.chance(0.5) ? q(r.pick(channels)) : `[${channels.map(q).join(", ")}]`;
    lines.push(
      r.pick([
        `  - { atMost: ${number(r)}, of: ${of}, per: ${q(window(r))} }`,
        `  - { atLeast: ${q(duration(r))}, between: ${of} }`,
        `  - { never: ${of}, within: ${q(duration(r))}, of: ${q(signal(r))} }`,
        `  - { never: ${of}, when: ${JSON.stringify(condition(r))} }`,
        `  - { quietHours: ${q(`${r.pick(TIMES)}-${r.pick(TIMES)}`)}, for: ${of} }`,
        r.hostile() ? `  - { ${r.pick(PROTOTYPE_NAMES)}: ${q(yamlWord(r))}, never: ${of}, without: reply }` : `  - { never: ${of}, without: reply }`,
        `  - { onlyBusinessDays: true }`,
      ]),
    );
  }
  if (r.hostile() && r.chance(0.05)) lines.push(`deep: ${"[".repeat(10 + r.size(200_000))}`);
  if (r.hostile() && r.chance(0.03)) lines.push(`deep:\n${Array.from({ length: 70 + r.int(200) }, (_, i) => `${" ".repeat(i + 1)}- `).join("\n")}x`);
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------- mutations of real policies

let examples: { text: string; format: "dsl" | "yaml" }[] | undefined;

function realPolicies(): { text: string; format: "dsl" | "yaml" }[] {
  if (examples === undefined) {
    const folder = join(import.meta.dirname, "..", "..", "examples");
    examples = readdirSync(folder)
      .filter((f) => /\.heed(\.yaml)?$/.test(f))
      .sort()
      .map((f) => ({ text: readFileSync(join(folder, f), "utf8"), format: f.endsWith(".yaml") ? "yaml" : "dsl" }));
  }
  return examples;
}

/** A real policy with a few hostile edits: words swapped for prototype names, numbers blown up, nesting, long lines, bytes. */
function mutated(r: Random): { text: string; format: "dsl" | "yaml" } {
  const base = r.pick(realPolicies());
  let text = base.text;
  for (let k = 1 + r.int(4); k > 0; k--) {
    switch (r.int(8)) {
      case 0:
      case 1: {
        // a word, wherever it stands, becomes a prototype name
        const words = [...text.matchAll(/[A-Za-z_][A-Za-z0-9_-]*/g)];
        const w = words.length === 0 ? undefined : r.pick(words);
        if (w?.index !== undefined) text = text.slice(0, w.index) + r.pick(PROTOTYPE_NAMES) + text.slice(w.index + w[0].length);
        break;
      }
      case 2: {
        const numbers = [...text.matchAll(/\d+/g)];
        const n = numbers.length === 0 ? undefined : r.pick(numbers);
        if (n?.index !== undefined) text = text.slice(0, n.index) + number(r) + text.slice(n.index + n[0].length);
        break;
      }
      case 3: {
        // a line repeated, or made very long
        const lines = text.split("\n");
        const i = r.int(lines.length);
        const line = lines[i] ?? "";
        lines[i] = r.chance(0.5) ? Array.from({ length: 2 + r.size(2_000) }, () => line).join("\n") : line + ` ${line}`.repeat(r.size(5_000));
        text = lines.join("\n");
        break;
      }
      case 4: {
        const at = r.int(text.length + 1);
        const open = r.pick(["(", "[", "{", "not ", "- "]);
        text = text.slice(0, at) + open.repeat(r.size(100_000)) + text.slice(at);
        break;
      }
      case 5: {
        const at = r.int(text.length + 1);
        const bytes = Array.from({ length: 1 + r.int(20) }, () => String.fromCharCode(r.int(r.chance(0.8) ? 128 : 0x10000)));
        text = text.slice(0, at) + bytes.join("") + text.slice(at);
        break;
      }
      case 6: {
        const from = r.int(text.length);
        text = text.slice(0, from) + text.slice(from + r.int(200));
        break;
      }
      default: {
        const at = text.lastIndexOf("}") >= 0 && base.format === "dsl" ? text.lastIndexOf("}") : text.length;
        const extra = base.format === "dsl" ? `  ${rule(r)}\n  ${transition(r, ["closed", "nurture"])}\n` : `\n${templateYaml(r).split("\n").slice(3).join("\n")}`;
        text = text.slice(0, at) + extra + text.slice(at);
      }
    }
  }
  return { text, format: base.format };
}

/** Random characters, sometimes behind a plausible first line. */
function noise(r: Random): { text: string; format: "dsl" | "yaml" } {
  const length = r.int(r.chance(0.9) ? 400 : 20_000);
  const alphabet = r.chance(0.5) ? " \n\t{}[]()<>=!,.:-\"'#&|0123456789abcxyz_" : "";
  let text = "";
  for (let i = 0; i < length; i++) {
    text += alphabet !== "" ? alphabet[r.int(alphabet.length)] : String.fromCharCode(r.int(r.chance(0.9) ? 128 : 0x10000));
  }
  const format = r.chance(0.5) ? "dsl" : "yaml";
  if (r.chance(0.5)) text = (format === "dsl" ? 'cadence "p" {\n' : "cadence: p\nchannels: [email]\n") + text;
  return { text, format };
}

// ---------------------------------------------------------------- contacts and histories

function instant(r: Random): string {
  const roll = r.next();
  if (roll < 0.8) {
    const ms = Date.UTC(2026, 0, 1) + r.int(400) * 86_400_000 + r.int(86_400) * 1000;
    const offset = r.pick(["Z", "+00:00", "-05:00", "+05:30", "+14:00", "-12:00"]);
    const base = new Date(ms).toISOString().slice(0, 19);
    return `${base}${offset}`;
  }
  return r.pick([
    "0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59Z", "9999-12-31T23:00:00-05:00",
    "2026-03-08T02:30:00-05:00", "2026-11-01T01:30:00-04:00", "2026-02-30T10:00:00Z", "2026-03-02T10:00:00+16:00", "2026-03-02T10:00:00+15:59",
    "2026-03-02T24:00:00Z", "2026-03-02T10:00:00.123456789Z", "2026-03-02 10:00", "yesterday", "",
  ]);
}

function value(r: Random, depth = 0): unknown {
  const roll = r.next();
  if (roll < 0.01) {
    let deep: unknown = "x";
    for (let i = r.size(300_000); i > 0; i--) deep = r.chance(0.5) ? [deep] : { a: deep };
    return deep;
  }
  if (roll < 0.3) return word(r);
  if (roll < 0.45) return r.pick([0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER, Number.NaN, Infinity]);
  if (roll < 0.55) return r.chance(0.5);
  if (roll < 0.6) return null;
  if (roll < 0.7) return r.pick(["a\u0000b", "\ud800", "ok\udc00", "\u{1F600}"]);
  if (depth < 3 && roll < 0.85) return Array.from({ length: r.int(4) }, () => value(r, depth + 1));
  if (depth < 3) return record(r, depth + 1);
  return "leaf";
}

function record(r: Random, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let k = r.int(4); k > 0; k--) Object.defineProperty(out, r.chance(0.5) ? r.pick(PROTOTYPE_NAMES) : word(r), { value: value(r, depth), enumerable: true, writable: true, configurable: true });
  return out;
}

/** Evaluation inputs for a compiled policy: its own names mixed with hostile ones. */
function evaluations(r: Random, channels: readonly string[], signals: readonly string[]): EvaluateInput[] {
  const channel = (): string => (r.chance(0.8) && channels.length > 0 ? r.pick(channels) : word(r));
  const out: EvaluateInput[] = [];
  for (let k = 1 + r.int(3); k > 0; k--) {
    const ids = ["e1", "e2", "constructor", "__proto__"];
    const history: HistoryEvent[] = [];
    for (let n = r.int(r.chance(0.9) ? 12 : 300); n > 0; n--) {
      const type = r.chance(0.5) ? "touch" : r.chance(0.7) && signals.length > 0 ? r.pick(signals) : r.pick([...PROTOTYPE_NAMES, "reply", "unsubscribe"]);
      const event: HistoryEvent = { ...(r.chance(0.2) ? record(r) : {}), type, at: instant(r) };
      if (type === "touch") event.channel = channel();
      if (r.chance(0.5)) event.id = r.pick(ids);
      if (r.chance(0.2)) event.tags = [word(r)];
      if (r.chance(0.1)) event.auto = true;
      history.push(event);
    }
    const contact = {
      id: r.chance(0.95) ? "c" : word(r),
      ...(r.chance(0.7) ? { timezone: r.pick(ZONES) } : {}),
      ...(r.chance(0.5) ? { attributes: record(r) } : {}),
    };
    const touch = { ...(r.chance(0.2) ? record(r) : {}), channel: channel(), ...(r.chance(0.2) ? { tags: [word(r)] } : {}) };
    out.push({ contact, history, touch, at: instant(r) } as EvaluateInput);
  }
  return out;
}

// ---------------------------------------------------------------- one input, end to end

/** One hostile input: a policy text in a form, and the family that made it. */
export interface HostileInput {
  index: number;
  family: "template-dsl" | "template-yaml" | "mutated" | "noise";
  text: string;
  format: "dsl" | "yaml";
  random: Random;
}

/** Input `index` of the run with `seed`. */
export function hostileInput(seed: number, index: number): HostileInput {
  const r = new Random(inputSeed(seed, index));
  // a third of the inputs are mild, so that many compile and go on to the analyses and decisions
  r.hostility = r.pick([0.02, 0.1, 0.5, 1]);
  const roll = r.next();
  if (roll < 0.35) return { index, family: "template-dsl", text: templateDsl(r), format: "dsl", random: r };
  if (roll < 0.6) return { index, family: "template-yaml", text: templateYaml(r), format: "yaml", random: r };
  if (roll < 0.9) return { index, family: "mutated", ...mutated(r), random: r };
  return { index, family: "noise", ...noise(r), random: r };
}

/** What running one input found. */
export interface HostileOutcome {
  /** Empty when the pipeline behaved: no throw but typed input errors, every diagnostic placed. */
  failures: string[];
  /** The policy parsed without error and was compiled, analysed and evaluated. */
  compiled: boolean;
  /** The silent contact was run on it. */
  silent: boolean;
  diagnostics: number;
  evaluations: number;
}

function unplaced(diagnostics: readonly Diagnostic[], where: string): string[] {
  return diagnostics
    .filter((d) => d.span === undefined || !(d.span.line >= 1) || !(d.span.column >= 1))
    .map((d) => `${where}: a diagnostic without a position: ${d.code}: ${d.message.slice(0, 200)}`);
}

function thrown(where: string, error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `${where} threw ${text.slice(0, 300)}`;
}

/**
 * Parses, checks (the static analysis and, for one input in `silentEvery`,
 * a silent contact over `horizonDays`), compiles and evaluates one input (`evaluate` and, through
 * a snapshot, `step` and `decide`). A failure is any throw other than a
 * `HeedInputError` from the engine's input checks, or a diagnostic without
 * a line and column.
 */
export function runHostile(input: HostileInput, horizonDays = 14, silentEvery = 1, trace?: (step: string) => void): HostileOutcome {
  const outcome: HostileOutcome = { failures: [], compiled: false, silent: false, diagnostics: 0, evaluations: 0 };
  const fail = (message: string): HostileOutcome => {
    outcome.failures.push(message);
    return outcome;
  };
  let parsed: ReturnType<typeof parsePolicy>;
  try {
    parsed = parsePolicy(input.text, { format: input.format, file: `fuzz.${input.format === "dsl" ? "heed" : "heed.yaml"}` });
  } catch (error) {
    return fail(thrown("parsePolicy", error));
  }
  outcome.diagnostics = parsed.diagnostics.length;
  outcome.failures.push(...unplaced(parsed.diagnostics, "parsePolicy"));
  const policy = parsed.policy;
  if (policy === undefined || hasErrors(parsed.diagnostics)) return outcome;
  trace?.("analyzePolicy");
  try {
    outcome.failures.push(...unplaced(analyzePolicy(policy), "analyzePolicy"));
  } catch (error) {
    return fail(thrown("analyzePolicy", error));
  }
  trace?.("compile");
  let engine: ReturnType<typeof compile>;
  try {
    engine = compile(policy);
  } catch (error) {
    return fail(thrown("compile", error));
  }
  outcome.compiled = true;
  // the silent contact costs more than everything else together (up to 400 decisions): on long runs, one input in `silentEvery`
  if (input.index % silentEvery === 0) {
    trace?.("analyzeSilentContact");
    try {
      outcome.failures.push(...unplaced(analyzeSilentContact(policy, { engine, horizonDays }).diagnostics, "analyzeSilentContact"));
      outcome.silent = true;
    } catch (error) {
      return fail(thrown("analyzeSilentContact", error));
    }
  }
  const signals: string[] = [];
  const mention = (t: { trigger: { kind: string; signal?: { name: string } } }): void => {
    if (t.trigger.kind === "signal" && t.trigger.signal !== undefined) signals.push(t.trigger.signal.name);
  };
  for (const stage of policy.stages) stage.transitions.forEach(mention);
  policy.transitions.forEach(mention);
  for (const evaluation of evaluations(input.random, policy.channels.map((c) => c.name), signals)) {
    outcome.evaluations++;
    const typed = (where: string, run: () => unknown): void => {
      try {
        run();
      } catch (error) {
        if (!(error instanceof HeedInputError)) outcome.failures.push(thrown(where, error));
      }
    };
    trace?.("evaluate");
    typed("evaluate", () => engine.evaluate(evaluation));
    trace?.("step/decide");
    typed("step/decide", () => {
      let snapshot = engine.start(evaluation.contact, evaluation.history[0]?.at ?? evaluation.at);
      const ordered = [...evaluation.history].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
      for (const event of ordered) {
        try {
          snapshot = engine.step(snapshot, event);
        } catch (error) {
          if (!(error instanceof HeedInputError)) throw error;
          // the snapshot cannot get past this walk of timers: every later step would walk it again to the same error
          if (error.code === "too-many-timers") break;
        }
      }
      return engine.decide(snapshot, evaluation.touch, evaluation.at);
    });
  }
  return outcome;
}

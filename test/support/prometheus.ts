/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4),
 * written from the format's description and independent of `prom-client`'s
 * writer: a test that reads `/metrics` with it checks what Prometheus would
 * read. Every line must be a `# HELP`, a `# TYPE`, another comment, a blank
 * or a sample of the family last typed; names and label names must be
 * valid; values must be numbers; a histogram's buckets must be cumulative,
 * end with `le="+Inf"` and agree with its `_count`. Anything else throws,
 * naming the line.
 *
 * (The one parser package on npm, `parse-prometheus-text-format`, merges the
 * buckets of every label set of a histogram into one and drops their counts:
 * it cannot read a histogram with labels.)
 */

/** One series of a family: its labels and its value, or a histogram's buckets, count and sum. */
export interface Series {
  labels: Record<string, string>;
  value?: number;
  buckets?: Map<number, number>;
  count?: number;
  sum?: number;
}

/** One metric family. */
export interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  series: Series[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

function fail(lineNo: number, line: string, why: string): never {
  throw new Error(`line ${lineNo}: ${why}: ${line}`);
}

/**
 * A sample value as Prometheus reads it (Go's `strconv.ParseFloat`, which takes `NaN`,
 * `Inf` and `Infinity` in any case: prom-client writes `Nan`, for one).
 */
function number(text: string, lineNo: number, line: string): number {
  if (/^[+-]?inf(inity)?$/i.test(text)) return text.startsWith("-") ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) fail(lineNo, line, `\`${text}\` is not a number`);
  return Number(text);
}

/** Reads `name{a="x",b="y"} value [timestamp]`. */
function sample(line: string, lineNo: number): { name: string; labels: Record<string, string>; value: number } {
  const brace = line.indexOf("{");
  const space = line.indexOf(" ");
  const nameEnd = brace >= 0 && (space < 0 || brace < space) ? brace : space;
  if (nameEnd < 0) fail(lineNo, line, "a sample needs a value");
  const name = line.slice(0, nameEnd);
  if (!NAME.test(name)) fail(lineNo, line, `\`${name}\` is not a metric name`);
  const labels: Record<string, string> = {};
  let i = nameEnd;
  if (line[i] === "{") {
    i++;
    while (line[i] !== "}") {
      const eq = line.indexOf("=", i);
      if (eq < 0) fail(lineNo, line, "a label needs `=`");
      const key = line.slice(i, eq);
      if (!LABEL_NAME.test(key)) fail(lineNo, line, `\`${key}\` is not a label name`);
      if (key in labels) fail(lineNo, line, `label \`${key}\` twice`);
      if (line[eq + 1] !== '"') fail(lineNo, line, "a label value must be quoted");
      let value = "";
      let j = eq + 2;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === "\\") {
          const next = line[++j];
          if (next === "n") value += "\n";
          else if (next === "\\" || next === '"') value += next;
          else fail(lineNo, line, `unknown escape \`\\${next ?? ""}\``);
        } else {
          value += line[j];
        }
      }
      if (j >= line.length) fail(lineNo, line, "an unterminated label value");
      labels[key] = value;
      i = j + 1;
      if (line[i] === ",") i++;
      else if (line[i] !== "}") fail(lineNo, line, "labels must be separated by `,`");
    }
    i++;
  }
  const rest = line.slice(i).trim().split(/ +/);
  if (line[i] !== " " || rest.length < 1 || rest.length > 2 || rest[0] === "") fail(lineNo, line, "expected ` value [timestamp]` after the name and labels");
  if (rest[1] !== undefined && !/^-?\d+$/.test(rest[1])) fail(lineNo, line, "a timestamp must be whole milliseconds");
  return { name, labels, value: number(rest[0]!, lineNo, line) };
}

/** The labels as a key, `le` left out (one histogram series per key). */
function seriesKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).filter(([k]) => k !== "le").sort(([a], [b]) => a.localeCompare(b)));
}

/** Reads a text exposition; throws naming the first line that is not valid. */
export function parsePrometheusText(text: string): Family[] {
  const families: Family[] = [];
  const byName = new Map<string, Family>();
  let current: Family | undefined;
  const lines = text.split("\n");
  if (lines.at(-1) !== "") throw new Error("the exposition must end with a line feed");
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    if (line === "") return;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta !== null) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (!NAME.test(name)) fail(lineNo, line, `\`${name}\` is not a metric name`);
      let family = byName.get(name);
      if (family === undefined) {
        family = { name, help: "", type: "untyped", series: [] };
        families.push(family);
        byName.set(name, family);
      } else if (family !== current) {
        fail(lineNo, line, `the family \`${name}\` appears twice`);
      }
      if (kind === "TYPE") {
        if (!TYPES.has(rest)) fail(lineNo, line, `\`${rest}\` is not a metric type`);
        if (family.series.length > 0) fail(lineNo, line, "a TYPE line must come before the family's samples");
        family.type = rest as Family["type"];
      } else {
        family.help = rest.replace(/\\n/g, "\n").replace(/\\\\/g, "\\");
      }
      current = family;
      return;
    }
    if (line.startsWith("#")) return;
    const s = sample(line, lineNo);
    if (current === undefined) fail(lineNo, line, "a sample before any `# TYPE` line");
    const family = current;
    if (family.type === "histogram") {
      const suffix = s.name.slice(family.name.length);
      if (!s.name.startsWith(family.name) || !["_bucket", "_count", "_sum"].includes(suffix)) fail(lineNo, line, `\`${s.name}\` is not a sample of the histogram \`${family.name}\``);
      const key = seriesKey(s.labels);
      let series = family.series.find((x) => seriesKey(x.labels) === key);
      if (series === undefined) {
        const labels = { ...s.labels };
        delete labels.le;
        series = { labels, buckets: new Map() };
        family.series.push(series);
      }
      if (suffix === "_bucket") {
        if (s.labels.le === undefined) fail(lineNo, line, "a bucket needs `le`");
        series.buckets!.set(number(s.labels.le, lineNo, line), s.value);
      } else if (suffix === "_count") {
        series.count = s.value;
      } else {
        series.sum = s.value;
      }
      return;
    }
    if (s.name !== family.name && !(family.type === "summary" && [`${family.name}_count`, `${family.name}_sum`].includes(s.name))) {
      fail(lineNo, line, `\`${s.name}\` is not a sample of \`${family.name}\``);
    }
    if (family.type === "counter" && !(s.value >= 0)) fail(lineNo, line, "a counter cannot be negative");
    family.series.push({ labels: s.labels, value: s.value });
  });
  for (const family of families) {
    if (family.type !== "histogram") continue;
    for (const series of family.series) {
      const bounds = [...series.buckets!.keys()].sort((a, b) => a - b);
      if (bounds.at(-1) !== Infinity) throw new Error(`histogram \`${family.name}\` ${JSON.stringify(series.labels)} has no \`le="+Inf"\` bucket`);
      const counts = bounds.map((b) => series.buckets!.get(b)!);
      if (counts.some((c, i) => i > 0 && c < counts[i - 1]!)) throw new Error(`histogram \`${family.name}\` ${JSON.stringify(series.labels)} has buckets that are not cumulative`);
      if (series.count !== counts.at(-1)) throw new Error(`histogram \`${family.name}\` ${JSON.stringify(series.labels)}: \`_count\` ${series.count} is not the +Inf bucket ${counts.at(-1)}`);
      if (series.sum === undefined) throw new Error(`histogram \`${family.name}\` ${JSON.stringify(series.labels)} has no \`_sum\``);
    }
  }
  return families;
}

/**
 * Command-line options: a small, strict parser. Unknown options and missing
 * values are usage errors (exit code 2) that say what was expected.
 *
 * @module
 */

/** How one option is written and what it takes. */
export interface OptionSpec {
  /** The long name without dashes (`format`). */
  name: string;
  /** A one-letter alias (`o` for `-o`). */
  short?: string;
  /** `flag` takes no value; `string` takes one. */
  type: "flag" | "string";
  /** The accepted values, when the set is closed. */
  choices?: readonly string[];
  /** The value's placeholder in help (`FILE`). */
  value?: string;
  description: string;
}

/** The result of parsing a verb's arguments. */
export interface ParsedArgs {
  positionals: string[];
  flags: Set<string>;
  values: Map<string, string>;
}

/** A usage error: printed with the verb's name, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * Parses `argv` against `specs`. Accepts `--name value`, `--name=value`,
 * `-o value`, and `--` to end options. Repeating a value option keeps the
 * last value.
 */
export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], flags: new Set(), values: new Map() };
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i] as string;
    i++;
    if (arg === "--") {
      parsed.positionals.push(...argv.slice(i));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      parsed.positionals.push(arg);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    let spec: OptionSpec | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
      spec = specs.find((s) => s.name === name);
    } else {
      name = arg.slice(1);
      spec = specs.find((s) => s.short === name);
    }
    if (spec === undefined) throw new UsageError(`unknown option \`${arg}\``);
    if (spec.type === "flag") {
      if (inline !== undefined) throw new UsageError(`option \`--${spec.name}\` takes no value`);
      parsed.flags.add(spec.name);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i];
      // A negative number is a value (for the option's own check to refuse), not an option.
      if (next === undefined || (next.startsWith("-") && next !== "-" && !/^-\d/.test(next))) {
        const found = next === undefined ? "got nothing" : `got the option \`${next}\``;
        throw new UsageError(`option \`--${spec.name}\` expects ${spec.value ?? "a value"}, ${found}`);
      }
      value = next;
      i++;
    }
    if (spec.choices !== undefined && !spec.choices.includes(value)) {
      throw new UsageError(`option \`--${spec.name}\` expects one of ${spec.choices.join(", ")}, got \`${value}\``);
    }
    parsed.values.set(spec.name, value);
  }
  return parsed;
}

/** Parses a whole-number option of at least `min` (and at most `max`, when given), or throws a usage error naming it. */
export function integerOption(args: ParsedArgs, name: string, fallback: number | undefined, min = 0, max?: number): number | undefined {
  const raw = args.values.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || !Number.isSafeInteger(value) || (max !== undefined && value > max)) {
    const expected = max === undefined ? `an integer of at least ${min}` : `a whole number from ${min} to ${max}`;
    throw new UsageError(`option \`--${name}\` expects ${expected}, got \`${raw}\``);
  }
  return value;
}

/** The help text of a verb's options, one per line. */
export function describeOptions(specs: readonly OptionSpec[]): string {
  const rows = specs.map((s) => {
    const names = `${s.short !== undefined ? `-${s.short}, ` : "    "}--${s.name}${s.type === "string" ? ` ${s.value ?? "VALUE"}` : ""}`;
    return [names, s.description] as const;
  });
  const width = Math.max(0, ...rows.map(([n]) => n.length));
  return rows.map(([n, d]) => `  ${n.padEnd(width)}  ${d}`).join("\n");
}

/** The `--format` option shared by every verb that reports diagnostics. */
export const FORMAT_OPTION: OptionSpec = {
  name: "format",
  type: "string",
  choices: ["pretty", "json", "github", "sarif"],
  value: "pretty|json|github|sarif",
  description: "how to report diagnostics (default pretty)",
};

/**
 * `--root`, accepted by every verb that takes `--format`: what `github` and
 * `sarif` paths are relative to.
 */
export const ROOT_OPTION: OptionSpec = {
  name: "root",
  type: "string",
  value: "DIR",
  description: "the folder github and sarif paths are relative to (default: the git work tree, else the current folder)",
};

/** `--help`, accepted by every verb. */
export const HELP_OPTION: OptionSpec = { name: "help", short: "h", type: "flag", description: "show this help" };

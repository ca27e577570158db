/**
 * Single edits of a policy, for the mutation test of `heed diff`: each
 * number one up and one down, each time of day an hour either way, each
 * channel of a list left out (or, in a list of one, replaced), each
 * transition sent to another stage, each comparison operator turned to its
 * neighbour, each rule removed; and the calendar's: `holidays from`'s
 * fallback region changed or removed, its attribute changed, the line
 * removed (or added where business days are counted), each listed holiday
 * removed or moved a day; and the declarations': each string of a choice
 * left out, each type changed (a choice to `string`, a simple type to
 * another), each attribute and prop removed, one added to each block.
 * Made on the AST, so every edit is one the text could have had.
 *
 * @module
 */

import type { Policy } from "../../src/ast.js";

/** One edited policy, with the edit in words. */
export interface Mutant {
  /** What was edited: `stages[0].transitions[1].target: nurture -> closed`. */
  label: string;
  /** The kind of edit, for counting. */
  kind: "number" | "time" | "channel" | "target" | "operator" | "removed-rule" | "calendar" | "declaration";
  policy: Policy;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const OPERATORS: Record<string, string> = { "==": "!=", "!=": "==", "<": "<=", "<=": "<", ">": ">=", ">=": ">" };

/** Every single edit of `policy`'s kinds, in a stable order. */
export function mutants(policy: Policy): Mutant[] {
  const base = JSON.parse(JSON.stringify(policy)) as { [key: string]: Json };
  const stages = policy.stages.map((s) => s.name.name);
  const declared = policy.channels.map((c) => c.name);
  const out: Mutant[] = [];
  const edit = (kind: Mutant["kind"], label: string, change: (copy: { [key: string]: Json }) => void): void => {
    const copy = JSON.parse(JSON.stringify(base)) as { [key: string]: Json };
    change(copy);
    out.push({ kind, label, policy: copy as unknown as Policy });
  };
  const at = (root: Json, path: readonly (string | number)[]): { [key: string]: Json } => {
    let node: Json = root;
    for (const step of path) node = (node as Record<string | number, Json>)[step] as Json;
    return node as { [key: string]: Json };
  };
  const visit = (node: Json, path: (string | number)[]): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, [...path, i]));
      return;
    }
    if (node === null || typeof node !== "object") return;
    const where = path.join(".");
    // numbers: amounts of durations and windows, counts of limits and triggers, numbers compared with
    for (const field of ["amount", "count"] as const) {
      const value = node[field];
      if (typeof value !== "number") continue;
      for (const next of [value + 1, value - 1]) {
        if (next < (field === "amount" ? 1 : 0)) continue;
        edit("number", `${where}.${field}: ${value} -> ${next}`, (copy) => {
          at(copy, path)[field] = next;
        });
      }
    }
    if (node.kind === "literal" && typeof node.value === "number") {
      const value = node.value;
      for (const next of [value + 1, value - 1]) {
        edit("number", `${where}.value: ${value} -> ${next}`, (copy) => {
          at(copy, path).value = next;
        });
      }
    }
    // times of day
    if (typeof node.hour === "number" && typeof node.minute === "number") {
      const hour = node.hour;
      for (const next of [(hour + 1) % 24, (hour + 23) % 24]) {
        edit("time", `${where}.hour: ${hour} -> ${next}`, (copy) => {
          at(copy, path).hour = next;
        });
      }
    }
    // channel lists (not the declared channels: leaving one out there is an error wherever it is used)
    if (node.kind === "list" && Array.isArray(node.channels) && path[0] !== "channels") {
      const channels = node.channels as { name: string }[];
      if (channels.length >= 2) {
        channels.forEach((c, i) =>
          edit("channel", `${where}: without ${c.name}`, (copy) => {
            (at(copy, path).channels as Json[]).splice(i, 1);
          }),
        );
      } else if (channels.length === 1) {
        const other = declared.find((d) => d !== channels[0]!.name);
        if (other !== undefined) {
          edit("channel", `${where}: ${channels[0]!.name} -> ${other}`, (copy) => {
            (at(copy, path).channels as { name: string }[])[0]!.name = other;
          });
        }
      }
    }
    // transition targets
    if (typeof node.target === "object" && node.target !== null && !Array.isArray(node.target) && typeof node.target.name === "string") {
      const target = node.target.name;
      for (const other of stages.filter((s) => s !== target).slice(0, 2)) {
        edit("target", `${where}.target: ${target} -> ${other}`, (copy) => {
          (at(copy, path).target as { name: string }).name = other;
        });
      }
    }
    // comparison operators, and `in` / `not in`
    if (node.kind === "compare" && typeof node.op === "string" && OPERATORS[node.op] !== undefined) {
      const op = node.op;
      edit("operator", `${where}.op: ${op} -> ${OPERATORS[op]}`, (copy) => {
        at(copy, path).op = OPERATORS[op]!;
      });
    }
    if (node.kind === "in" && typeof node.negated === "boolean") {
      const negated = node.negated;
      edit("operator", `${where}: ${negated ? "not in -> in" : "in -> not in"}`, (copy) => {
        at(copy, path).negated = !negated;
      });
    }
    for (const [key, value] of Object.entries(node)) if (key !== "span" && key !== "comments") visit(value, [...path, key]);
  };
  visit(base, []);
  calendarEdits(policy, edit);
  declarationEdits(policy, edit);
  // each rule removed
  (base.rules as Json[]).forEach((_, i) =>
    edit("removed-rule", `rules.${i} removed`, (copy) => {
      (copy.rules as Json[]).splice(i, 1);
    }),
  );
  (base.stages as { rules: Json[] }[]).forEach((stage, s) =>
    stage.rules.forEach((_, i) =>
      edit("removed-rule", `stages.${s}.rules.${i} removed`, (copy) => {
        ((copy.stages as { rules: Json[] }[])[s]!.rules as Json[]).splice(i, 1);
      }),
    ),
  );
  return out;
}

/** The type a simple type is changed to. */
const OTHER_TYPE: Record<string, string> = { string: "number", number: "string", boolean: "string", list: "string" };

type Edit = (kind: Mutant["kind"], label: string, change: (copy: { [key: string]: Json }) => void) => void;

/**
 * The declarations' edits: in `attributes` and in each signal's props, each
 * string of a choice left out, each type changed, each declaration removed,
 * and one added to each block (an attribute, a prop of the first signal
 * declared with props).
 */
function declarationEdits(policy: Policy, edit: Edit): void {
  type Decl = { name: { name: string }; type: { kind: string; values?: Json[]; span?: Json }; span?: Json };
  const list = (where: string, get: (copy: { [key: string]: Json }) => Decl[], declarations: readonly Decl[]): void => {
    declarations.forEach((d, i) => {
      const type = d.type;
      if (type.kind === "choice" && (type.values?.length ?? 0) >= 2) {
        type.values!.forEach((v, j) =>
          edit("declaration", `${where}.${d.name.name}: without ${JSON.stringify((v as { value: string }).value)}`, (copy) => {
            get(copy)[i]!.type.values!.splice(j, 1);
          }),
        );
      }
      const other = type.kind === "choice" ? "string" : OTHER_TYPE[type.kind]!;
      edit("declaration", `${where}.${d.name.name}: ${type.kind} -> ${other}`, (copy) => {
        get(copy)[i]!.type = { ...(type.span === undefined ? {} : { span: type.span }), kind: other };
      });
      edit("declaration", `${where}.${d.name.name} removed`, (copy) => {
        get(copy).splice(i, 1);
      });
    });
    const span = policy.name.span as unknown as Json;
    edit("declaration", `${where}: extra_value: number added`, (copy) => {
      get(copy).push({ span, name: { span, name: "extra_value" }, type: { span, kind: "number" } } as unknown as Decl);
    });
  };
  if (policy.attributes !== undefined) {
    list("attributes", (copy) => (copy.attributes as unknown as { declarations: Decl[] }).declarations, policy.attributes.declarations as unknown as Decl[]);
  }
  (policy.signals?.declarations ?? []).forEach((signal, s) => {
    if (signal.props.length === 0) return;
    list(`signals.${signal.name.name}`, (copy) => (copy.signals as unknown as { declarations: { props: Decl[] }[] }).declarations[s]!.props, signal.props as unknown as Decl[]);
  });
}

/** Regions a fallback is changed to (the first that is not the current one). */
const OTHER_REGIONS = ["CA", "GB"];

/** The calendar's edits: `holidays from` (fallback, attribute, the line) and each listed holiday. */
function calendarEdits(policy: Policy, edit: (kind: Mutant["kind"], label: string, change: (copy: { [key: string]: Json }) => void) => void): void {
  const spec = policy.holidaysFrom;
  if (spec !== undefined) {
    const fallback = spec.fallback?.value;
    if (fallback !== undefined) {
      const other = OTHER_REGIONS.find((r) => r !== fallback.toUpperCase())!;
      edit("calendar", `holidaysFrom.fallback: ${fallback} -> ${other}`, (copy) => {
        ((copy.holidaysFrom as { [key: string]: Json }).fallback as { value: string }).value = other;
      });
      edit("calendar", `holidaysFrom.fallback removed`, (copy) => {
        delete (copy.holidaysFrom as { [key: string]: Json }).fallback;
      });
    }
    const name = spec.from.segments[spec.from.segments.length - 1];
    // another declared string attribute, else one the policy does not name
    const another = policy.attributes?.declarations.find((d) => d.name.name !== name && d.type.kind === "string")?.name.name ?? "region";
    edit("calendar", `holidaysFrom.from: contact.${name} -> contact.${another}`, (copy) => {
      ((copy.holidaysFrom as { [key: string]: Json }).from as { segments: string[] }).segments = ["contact", another];
    });
    edit("calendar", "holidaysFrom removed", (copy) => {
      delete copy.holidaysFrom;
    });
  } else if (JSON.stringify(policy).includes('"business-days"')) {
    const span = policy.name.span;
    edit("calendar", 'holidaysFrom added: contact.country else "US"', (copy) => {
      copy.holidaysFrom = { span, from: { kind: "path", span, segments: ["contact", "country"] }, fallback: { span, value: "US" } } as unknown as Json;
      // a policy that declares its attributes declares this one too
      const block = copy.attributes as { declarations: Json[] } | undefined;
      if (block !== undefined && !block.declarations.some((d) => (d as { name: { name: string } }).name.name === "country")) {
        block.declarations.push({ span, name: { span, name: "country" }, type: { span, kind: "string" } } as unknown as Json);
      }
    });
  }
  (policy.holidays ?? []).forEach((h, i) => {
    edit("calendar", `holidays.${i} removed (${h.date})`, (copy) => {
      (copy.holidays as Json[]).splice(i, 1);
    });
    const next = new Date(Date.parse(`${h.date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    edit("calendar", `holidays.${i}: ${h.date} -> ${next}`, (copy) => {
      ((copy.holidays as Json[])[i] as { date: string }).date = next;
    });
  });
}

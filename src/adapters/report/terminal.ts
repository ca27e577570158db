/**
 * Text for terminals and logs: what a policy, a file name or a request
 * says is shown, never obeyed. A policy named `\x1b[31m…` must not colour
 * the terminal, a carriage return must not overwrite what came before, and
 * Unicode's reordering characters must not make a line read other than it
 * is.
 *
 * @module
 */

/**
 * Characters escaped: the C0 controls but tab, DEL, the C1 controls, the
 * line and paragraph separators, and the bidirectional embeddings,
 * overrides and isolates.
 */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** One escaped character: `\n`, `\r`, `\x1b`, `\u202e`. */
export function escapeChar(char: string): string {
  if (char === "\n") return "\\n";
  if (char === "\r") return "\\r";
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** `text` with every control character written as an escape (`\x1b[31m` shows as the nine characters `\x1b[31m`). */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, escapeChar);
}

/** True when `char` (one UTF-16 unit) is escaped by {@link escapeControl}. */
export function isControl(char: string): boolean {
  CONTROL.lastIndex = 0;
  const found = CONTROL.test(char);
  CONTROL.lastIndex = 0;
  return found;
}

/** A multi-line text with each line escaped (the line breaks kept). */
export function escapeLines(text: string): string {
  return text
    .split("\n")
    .map((line) => escapeControl(line))
    .join("\n");
}

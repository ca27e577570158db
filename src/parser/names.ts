/**
 * Name helpers of both front ends: plural channel names after a count.
 * The "did you mean" suggestions live in `src/suggest.ts`; they are
 * re-exported here for the modules that have always found them here.
 *
 * @module
 */

/**
 * The declared channel a name written after a count refers to: the name
 * itself when declared, else its singular (`calls` -> `call`,
 * `calendar-invites` -> `calendar-invite`, `smses` -> `sms`), else the name
 * unchanged (validation then reports it as unknown).
 */
export function singularChannel(name: string, declared: readonly string[]): string {
  if (declared.includes(name)) return name;
  if (name.endsWith("es") && declared.includes(name.slice(0, -2))) return name.slice(0, -2);
  if (name.endsWith("s") && declared.includes(name.slice(0, -1))) return name.slice(0, -1);
  return name;
}

export { didYouMean, editDistance, MAX_CANDIDATES, MAX_SUGGESTIONS, suggest, Suggestions } from "../suggest.js";

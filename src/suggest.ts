/**
 * "Did you mean" suggestions for names a user mistyped: a stage, a channel,
 * a signal, a time zone, a keyword, a command-line flag.
 *
 * @module
 */

/** Edit distance between two strings (insert, delete, substitute, swap), kept in three rows. */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  let row: number[] = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, before[j - 2]! + 1);
      row[j] = best;
    }
    [before, previous, row] = [previous, row, before.length === b.length + 1 ? before : new Array<number>(b.length + 1)];
  }
  return previous[b.length]!;
}

/** How many candidates a suggestion looks at, and so what a message may cost. */
export const MAX_CANDIDATES = 2_000;

/**
 * The closest candidate to `name`, if it is close enough to be a likely
 * typo (distance at most 1 for short names, 2 up to 8 characters, else 3).
 * Ties go to the earlier candidate, so the answer is deterministic.
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const limit = name.length <= 3 ? 1 : name.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Infinity;
  let looked = 0;
  for (const candidate of candidates) {
    // a suggestion is a courtesy: among thousands of names, only the first are compared
    if (++looked > MAX_CANDIDATES || name.length > 64) break;
    if (candidate === name || Math.abs(candidate.length - name.length) > limit) continue;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** ` (did you mean `x`?)` or the empty string. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const guess = suggest(name, candidates);
  return guess === undefined ? "" : ` (did you mean \`${guess}\`?)`;
}

/** How many suggestions one policy's messages make: each compares a name with up to {@link MAX_CANDIDATES} others. */
export const MAX_SUGGESTIONS = 100;

/** {@link didYouMean} for the messages about one policy, up to {@link MAX_SUGGESTIONS} of them; later messages suggest nothing. */
export class Suggestions {
  private made = 0;

  didYouMean(name: string, candidates: Iterable<string>): string {
    return this.made++ < MAX_SUGGESTIONS ? didYouMean(name, candidates) : "";
  }
}

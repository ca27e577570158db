/**
 * "Did you mean" suggestions for names a user mistyped: a stage, a channel,
 * a signal, a time zone, a keyword, a command-line flag.
 *
 * @module
 */

/** Edit distance between two strings (insert, delete, substitute, swap). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i]!;
      const prev = d[i - 1]!;
      let best = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      row[j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The closest candidate to `name`, if it is close enough to be a likely
 * typo (distance at most 1 for short names, 2 up to 8 characters, else 3).
 * Ties go to the earlier candidate, so the answer is deterministic.
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const limit = name.length <= 3 ? 1 : name.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === name) continue;
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

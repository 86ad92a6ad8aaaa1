/**
 * The known key `unknown` most likely stands for: the same key in other letter case
 * (`projectID` → `projectId`), else one it begins (a unit left out: `timeout` → `timeoutMs`),
 * else the closest by edit distance when it is close enough to be a typo (at most 3 edits, or a
 * third of the key's length for long keys).
 */
export function closestKey(unknown: string, known: readonly string[]): string | undefined {
  const lower = unknown.toLowerCase();
  const sameLetters = known.find((key) => key.toLowerCase() === lower);
  if (sameLetters !== undefined) return sameLetters;
  const extended = lower.length >= 4 ? known.find((key) => key.toLowerCase().startsWith(lower)) : undefined;
  if (extended !== undefined) return extended;
  const limit = Math.max(3, Math.floor(unknown.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const key of known) {
    const distance = editDistance(lower, key.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [key, distance];
  }
  return best;
}

/** Levenshtein distance: the fewest insertions, deletions and substitutions from `a` to `b`. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

// "Did you mean" for mistyped commands and flags. Optimal string alignment distance:
// Levenshtein plus adjacent transpositions, the commonest typo ("stauts", "--agnet").

function distance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** The candidate nearest to what was typed, when it is near enough to be the likely intent. */
export function closest(typed: string, candidates: readonly string[]): string | undefined {
  // Input is the user's argv: bound it so a pasted blob costs nothing.
  if (typed.length > 64) return undefined;
  const lower = typed.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const name of candidates) {
    const d = name.startsWith(lower) && lower.length >= 3 ? 0.5 : distance(lower, name);
    if (!best || d < best.d) best = { name, d };
  }
  return best && best.d <= Math.max(1, Math.floor(best.name.length / 3)) ? best.name : undefined;
}

/** ` Did you mean "x"?` or nothing: ready to append to an error. */
export function suggestion(typed: string, candidates: readonly string[], quote = (s: string) => `"${s}"`): string {
  const near = closest(typed, candidates);
  return near ? `; did you mean ${quote(near)}?` : '';
}

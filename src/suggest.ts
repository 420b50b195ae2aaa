/** "Did you mean ...?" — nearest names by Damerau-Levenshtein (optimal string alignment) distance. */

export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_x, i) => [
    i,
    ...new Array<number>(b.length).fill(0),
  ]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest candidate within a distance that still looks like a typo, or undefined. */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  return bestD <= limit ? best : undefined;
}

/**
 * Keywords that change privileges. A typo is never "corrected" into one of them (`remote_usr` must not
 * become `become_user`), unless the word already names privilege escalation (`becom`, `become_usr`).
 */
const PRIVILEGED = new Set(['become', 'become_user', 'become_method', 'become_flags', 'become_exe']);

/** `" — did you mean 'delegate_to'?"` or empty. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const asksForBecome = /^bec/i.test(word);
  const allowed = [...candidates].filter((c) => asksForBecome || !PRIVILEGED.has(c));
  const n = nearest(word, allowed);
  return n ? ` — did you mean '${n}'?` : '';
}

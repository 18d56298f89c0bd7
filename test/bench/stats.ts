/** The p-th percentile of numbers sorted ascending (the nearest rank at or below). */
export const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** The median of numbers in any order. */
export const median = (xs: readonly number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

/** A count or rate as the figures print it: 12,345. */
export const fmt = (n: number) => n.toLocaleString('en-US');

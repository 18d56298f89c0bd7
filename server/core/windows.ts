/**
 * Counts events per key in fixed windows of `windowMs`, in memory, remembering at most `maxKeys` keys (past it, expired
 * windows go first, then the oldest). Each call counts one event of `key` at `now` and answers its number within the
 * current window (1 for the first), when that window ends, and how many the key's previous window counted when this
 * call began a new one (0 otherwise).
 */
export function fixedWindows(windowMs: number, maxKeys = 10_000) {
  const windows = new Map<string, { start: number; count: number }>();
  return (key: string, now: number): { count: number; endsAt: number; previous: number } => {
    let window = windows.get(key);
    let previous = 0;
    if (!window || now - window.start >= windowMs) {
      previous = window?.count ?? 0;
      windows.delete(key);
      if (windows.size >= maxKeys)
        for (const [k, w] of windows) if (now - w.start >= windowMs || windows.size >= maxKeys) windows.delete(k);
      window = { start: now, count: 0 };
      windows.set(key, window);
    }
    window.count++;
    return { count: window.count, endsAt: window.start + windowMs, previous };
  };
}

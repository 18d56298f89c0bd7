/**
 * Counts events per key in fixed windows of `windowMs`, in memory, remembering at most `maxKeys` keys (past it, expired
 * windows go first, then the oldest).
 */
export function fixedWindows(windowMs: number, maxKeys = 10_000) {
  const windows = new Map<string, { start: number; count: number }>();
  const current = (key: string, now: number) => {
    const window = windows.get(key);
    return window && now - window.start < windowMs ? window : undefined;
  };
  return {
    /**
     * Counts one event of `key` at `now`: its number within the current window (1 for the first), when that window ends,
     * and how many the key's previous window counted when this call began a new one (0 otherwise).
     */
    hit(key: string, now: number): { count: number; endsAt: number; previous: number } {
      let window = current(key, now);
      let previous = 0;
      if (!window) {
        previous = windows.get(key)?.count ?? 0;
        windows.delete(key);
        if (windows.size >= maxKeys)
          for (const [k, w] of windows) if (now - w.start >= windowMs || windows.size >= maxKeys) windows.delete(k);
        window = { start: now, count: 0 };
        windows.set(key, window);
      }
      window.count++;
      return { count: window.count, endsAt: window.start + windowMs, previous };
    },
    /** What `key` has counted in the current window, without counting, and when that window ends. */
    peek(key: string, now: number): { count: number; endsAt: number } {
      const window = current(key, now);
      return window ? { count: window.count, endsAt: window.start + windowMs } : { count: 0, endsAt: now + windowMs };
    },
    /** Forgets `key`, as if it had never been counted. */
    forget(key: string): void {
      windows.delete(key);
    },
  };
}

/**
 * Calls `each(0)` to `each(count - 1)` at `perSecond`, each at its due time (at once when already late): an
 * open-loop load, so that a slow answer delays no later call, as real senders do not wait for each other.
 * `until` ends it early, checked before each call.
 */
export async function atRate(perSecond: number, count: number, each: (i: number) => void, until?: () => boolean): Promise<void> {
  const start = performance.now();
  for (let i = 0; i < count && !until?.(); i++) {
    const wait = start + (i * 1000) / perSecond - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    each(i);
  }
}

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/**
 * A full garbage collection now, for after work that leaves tens of MB of garbage behind (a bulk import): V8 would
 * keep that heap, and the buffers it holds, until its next major collection, which an idle server may not reach
 * for a long time. A few tens of ms of a collection the process would do later anyway.
 */
export function collectGarbage(): void {
  if (!collect) {
    // gc() exposed in a fresh context only, not on this process's global object
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}

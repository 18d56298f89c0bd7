import { setTimeout as sleep } from 'node:timers/promises';
import { describeFailure, type Logger } from '../core/logger';
import { fireDue, nextSendAt, type FireDeps } from './fire';

export interface Scheduler {
  stop(): Promise<void>;
}

/**
 * Fires scheduled sends when their sendAt comes (./fire.ts): part of every dispatcher, so `herald serve` and each
 * `herald worker` run one; they may all look at once, since each send is taken out of `scheduled` exactly once. A
 * send scheduled by another process is seen within `pollMs` (default 1 s), well inside the 5 s it is promised in;
 * at start-up the first pass fires those whose time passed while Herald was down.
 */
export function startScheduler(deps: FireDeps & { log: Logger; pollMs?: number }): Scheduler {
  const pollMs = deps.pollMs ?? 1_000;
  const fireDeps = { ...deps, attempts: new Map<string, { failures: number; since: number }>() };
  const stopping = new AbortController();
  // a pause ends early when the scheduler stops
  const pause = (ms: number) => sleep(ms, undefined, { signal: stopping.signal }).catch(() => undefined);

  async function loop() {
    while (!stopping.signal.aborted) {
      let fired = 0;
      try {
        fired = await fireDue(fireDeps);
      } catch (error) {
        deps.log({ level: 'error', msg: 'firing scheduled sends failed', ...describeFailure(error) });
        await pause(pollMs);
        continue;
      }
      if (fired > 0) continue;
      const next = await nextSendAt(deps.database).catch(() => null);
      // at least a moment: a due send another process is firing stays `scheduled` until its commit
      await pause(next === null ? pollMs : Math.min(Math.max(next - deps.now(), 20), pollMs));
    }
  }

  const running = loop();
  return {
    stop() {
      stopping.abort();
      return running;
    },
  };
}

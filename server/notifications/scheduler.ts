import { describeFailure, type Logger } from '../core/logger';
import { fireDue, nextSendAt, type FireDeps } from './fire';

export interface Scheduler {
  /** Look for due scheduled sends now (a test moved the clock). */
  wake(): void;
  /** Resolves once a pass found nothing due (after this call). */
  settled(): Promise<void>;
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
  let stopped = false;
  let interrupt: (() => void) | undefined;
  const settledWaiters: Array<() => void> = [];

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        interrupt = undefined;
        resolve();
      }
      interrupt = done;
    });

  async function loop() {
    while (!stopped) {
      const waiting = settledWaiters.splice(0);
      let fired = 0;
      try {
        fired = await fireDue(deps);
      } catch (error) {
        deps.log({ level: 'error', msg: 'firing scheduled sends failed', ...describeFailure(error) });
        for (const resolve of waiting) resolve();
        await pause(pollMs);
        continue;
      }
      if (fired > 0) {
        settledWaiters.unshift(...waiting);
        continue;
      }
      for (const resolve of waiting) resolve();
      if (stopped) break;
      const next = await nextSendAt(deps.database).catch(() => null);
      // at least a moment: a due send another process is firing stays `scheduled` until its commit
      await pause(next === null ? pollMs : Math.min(Math.max(next - deps.now(), 20), pollMs));
    }
  }

  const running = loop();
  const wake = () => interrupt?.();
  return {
    wake,
    settled() {
      const done = new Promise<void>((resolve) => settledWaiters.push(resolve));
      wake();
      return done;
    },
    async stop() {
      stopped = true;
      wake();
      await running;
      for (const resolve of settledWaiters.splice(0)) resolve();
    },
  };
}

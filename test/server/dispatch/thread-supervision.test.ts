import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { superviseThreads, type Thread } from '../../../server/dispatch/provider-thread';

/** A thread as launch() gives one: ready or failed at once, ended at will by `lose()`. */
function fakeThreads(outcomes: ('starts' | 'fails')[]) {
  const launched: { lose: () => void; thread: Thread }[] = [];
  const launch = (onLost: () => void): Thread => {
    const outcome = outcomes[launched.length] ?? 'starts';
    const ready =
      outcome === 'starts'
        ? Promise.resolve({ services: ['apns'], names: { apns: 'apns', fcm: 'fcm' } as const })
        : Promise.reject(new Error('no key file'));
    const thread: Thread = { ready, send: async () => [], close: async () => {} };
    launched.push({ lose: onLost, thread });
    // a thread that fails as it starts also ends
    if (outcome === 'fails') queueMicrotask(onLost);
    return thread;
  };
  return { launch, launched };
}

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await sleep(5);
  expect(ok()).toBe(true);
};

describe('the push thread supervision', () => {
  it('starts a lost thread again, and keeps trying, with doubling pauses, while new ones fail as they start', async () => {
    const log: Record<string, unknown>[] = [];
    const { launch, launched } = fakeThreads(['starts', 'fails', 'fails', 'starts']);
    const threads = superviseThreads(launch, (e) => log.push(e), { least: 5, most: 40 });
    await threads.ready;
    launched[0]!.lose();
    // two failed starts, then one that runs: pushes go to it
    await until(() => launched.length === 4);
    await threads.current().ready;
    expect(threads.current()).toBe(launched[3]!.thread);
    expect(log.filter((e) => e.msg === 'starting the push thread failed')).toHaveLength(2);
    expect(log.filter((e) => e.msg === 'the push thread stopped; starting another').map((e) => e.inMs)).toEqual([5, 10, 20]);
    // the pause is back to the least once a thread runs
    launched[3]!.lose();
    await until(() => launched.length === 5);
    expect(log.at(-1)).toMatchObject({ inMs: 5 });
    await threads.close();
  });

  it("leaves the first thread's failure to the caller, and starts nothing once closed", async () => {
    const failing = fakeThreads(['fails']);
    await expect(superviseThreads(failing.launch, () => {}, { least: 1, most: 1 }).ready).rejects.toThrow('no key file');
    await sleep(20);
    expect(failing.launched).toHaveLength(1);

    const closed = fakeThreads(['starts']);
    const threads = superviseThreads(closed.launch, () => {}, { least: 1, most: 1 });
    await threads.ready;
    await threads.close();
    closed.launched[0]!.lose();
    await sleep(20);
    expect(closed.launched).toHaveLength(1);
  });
});

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/client';
import { silentLogger } from '../../../server/core/logger';
import { OK } from '../../../server/dispatch/providers/results';
import type { PushMessage, PushProvider } from '../../../server/dispatch/providers/types';
import { startWorker } from '../../../server/dispatch/worker';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { startTestHerald, type TestHerald } from '../../helpers/herald';
import { apnsToken } from '../../helpers/push';
import { expectStatus } from '../../helpers/rbac';

const DEVICES = 4;
let herald: TestHerald;

beforeAll(async () => {
  herald = await startTestHerald();
  await importDirectory(herald.admin.api, {
    users: [user('u1')],
    devices: Array.from({ length: DEVICES }, (_, i) => phone(`phone-${i}`, 'u1', { push: { service: 'apns', token: apnsToken(i) } })),
    groups: [group('g1', [{ type: 'user', id: 'u1' }])],
  });
});
afterAll(() => herald.close());

let notificationId: string;
beforeEach(async () => {
  notificationId = expectStatus(
    await herald.admin.api('POST', '/v1/notifications', { title: 'Drill', body: 'At noon.', groupIds: ['g1'] }),
    202,
  ).id;
});

const statuses = async () =>
  (
    await herald.database.db.all<{ status: string; leased: number }>(
      sql`SELECT status, lease_until IS NOT NULL AS leased FROM deliveries WHERE notification_id = ${notificationId} ORDER BY id`,
    )
  ).map((r) => `${r.status}${r.leased ? ' (leased)' : ''}`);

/** Resolves once `test` holds, as `check` finds it. */
function when(test: () => boolean) {
  let resolve!: () => void;
  const reached = new Promise<void>((r) => (resolve = r));
  return { reached, check: () => test() && resolve() };
}

/**
 * The database the worker sees, counting its writes; once `hold` is called, every write after that waits until
 * `release`. Reads go straight through.
 */
function heldWrites(database: Database, onWrite: () => void) {
  let held: Promise<void> | undefined;
  let release = () => {};
  let writes = 0;
  const wrapped: Database = {
    ...database,
    write: (fn) => {
      writes++;
      onWrite();
      return held ? held.then(() => database.write(fn)) : database.write(fn);
    },
  };
  return {
    database: wrapped,
    writes: () => writes,
    hold() {
      held = new Promise<void>((resolve) => (release = resolve));
    },
    release: () => release(),
  };
}

/** An APNs provider answering every push ok, each batch once `answer(i)` lets it; `pushed` lists the batches it got. */
function gatedProvider(onSend: () => void) {
  const pushed: (readonly PushMessage[])[] = [];
  const answers: Array<() => void> = [];
  const gates: Array<Promise<void>> = [];
  const gate = (i: number) =>
    (gates[i] ??= new Promise<void>((resolve) => {
      answers[i] = resolve;
    }));
  const provider: PushProvider = {
    name: 'apns',
    service: 'apns',
    async send(messages) {
      const i = pushed.push(messages) - 1;
      onSend();
      await gate(i);
      return messages.map(() => OK);
    },
    close: async () => {},
  };
  return {
    providers: { for: () => provider },
    pushed,
    answer(i: number) {
      gate(i);
      answers[i]!();
    },
  };
}

/**
 * A worker pushing batches of 2 one at a time through the gated provider, once its first batch is at the provider
 * and the next one claimed (its second write). `until` resolves once a test holds, checked on every write and push.
 */
async function firstBatchOut() {
  const checks = new Set<() => void>();
  const fire = () => checks.forEach((check) => check());
  const db = heldWrites(herald.database, fire);
  const push = gatedProvider(fire);
  const worker = startWorker({
    database: db.database,
    providers: push.providers,
    now: herald.clock.now,
    log: silentLogger,
    batchSize: 2,
    concurrency: 1,
  });
  const until = (test: () => boolean) => {
    const reached = when(test);
    checks.add(reached.check);
    reached.check();
    return reached.reached;
  };
  await until(() => push.pushed.length === 1 && db.writes() === 2);
  return { db, push, worker, until };
}

describe('the claim loop', () => {
  it("pushes the next batch while the last one's results are still being written", async () => {
    const { db, push, worker, until } = await firstBatchOut();
    try {
      // from now on nothing is written: the first batch's results wait, and its place is free all the same
      db.hold();
      push.answer(0);
      await until(() => push.pushed.length === 2);
      expect(await statuses()).toEqual(['queued (leased)', 'queued (leased)', 'queued (leased)', 'queued (leased)']);
      expect(db.writes()).toBe(3); // the first batch's results, waiting

      db.release();
      push.answer(1);
      await worker.settled();
      expect(await statuses()).toEqual(['sent', 'sent', 'sent', 'sent']);
    } finally {
      db.release();
      push.answer(0);
      push.answer(1);
      await worker.stop();
    }
  });

  it('stop() pushes and records a batch claimed ahead, leaving no row leased', async () => {
    const { push, worker, until } = await firstBatchOut();
    const stopped = worker.stop();
    push.answer(0);
    await until(() => push.pushed.length === 2);
    push.answer(1);
    await stopped;

    expect(push.pushed.flat()).toHaveLength(DEVICES);
    expect(await statuses()).toEqual(['sent', 'sent', 'sent', 'sent']);
  });
});

import type { Database } from '../db/client';
import { describeFailure, type Logger } from '../core/logger';
import { claimDue, nextDueAt, type Claim } from './claim';
import { compose } from './compose';
import type { DispatchMetrics } from './metrics';
import type { Providers } from './providers/registry';
import type { PushResult, PushService } from './providers/types';
import { recordAttempts, type Attempt } from './record';

export interface WorkerOptions {
  database: Database;
  /** Built once by the owner (who closes it); the worker only pushes through it. */
  providers: Pick<Providers, 'for'>;
  now: () => number;
  log: Logger;
  metrics?: DispatchMetrics;
  /** Deliveries per claim (default 500). */
  batchSize?: number;
  /** How long a claim holds its rows (default 60 s): longer than any provider call may take. */
  leaseMs?: number;
  /**
   * Claimed batches at the providers at once (default 4). A batch leaves this count when its pushes are answered,
   * before its results are recorded, so claiming and recording overlap with the network.
   */
  concurrency?: number;
  /** The longest idle wait (default 1 s): how soon work queued by another process, or a crashed worker's expired lease, is seen. */
  pollMs?: number;
  /** Jitter source for the backoff (tests pin it). */
  random?: () => number;
}

export interface Worker {
  /** Look for due deliveries now (a send was queued, or a test moved the clock). */
  wake(): void;
  /** Resolves the next time the worker has nothing due and nothing in flight. */
  settled(): Promise<void>;
  /** Stops claiming and waits for the batches in flight to be recorded. */
  stop(): Promise<void>;
}

const PROVIDER_FAILED: PushResult = Object.freeze({ outcome: 'retryable', reason: 'providerError' });

/**
 * The durable dispatcher: claims due deliveries in batches under a lease, pushes them outside any transaction
 * grouped by push service, and records each batch's results in one write. Any number of workers (in this or
 * other processes) may run against one database; a crashed one's rows come back when its leases end.
 */
export function startWorker(options: WorkerOptions): Worker {
  const { database, providers, now, log, metrics } = options;
  const batchSize = options.batchSize ?? 500;
  const leaseMs = options.leaseMs ?? 60_000;
  const concurrency = options.concurrency ?? 4;
  const pollMs = options.pollMs ?? 1_000;
  const random = options.random ?? Math.random;
  /** Every batch claimed and not yet recorded (what stop() and settled() wait for). */
  const inFlight = new Set<Promise<void>>();
  /** The batches among them still at the providers: the claim loop keeps `concurrency` of them there. */
  const pushing = new Set<Promise<unknown>>();
  const settledWaiters: Array<() => void> = [];
  let woken = false;
  let interrupt: (() => void) | undefined;
  let stopped = false;

  /** Waits `ms`, or less if woken; a wake that came while the worker was busy ends the next wait at once. */
  const pause = (ms: number, alsoUntil?: Promise<unknown>) =>
    new Promise<void>((resolve) => {
      if (woken || stopped) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        interrupt = undefined;
        resolve();
      }
      interrupt = done;
      alsoUntil?.then(done, done);
    });

  /** Pushes a claim's deliveries, grouped by push service: a failed provider call is a retryable result of each of its pushes. */
  async function push({ deliveries }: Claim): Promise<Attempt[]> {
    const byService = new Map<PushService, typeof deliveries>();
    for (const d of deliveries) {
      const batch = byService.get(d.service);
      if (batch) batch.push(d);
      else byService.set(d.service, [d]);
    }
    const attempts = await Promise.all(
      [...byService].map(async ([service, batch]): Promise<Attempt[]> => {
        const provider = providers.for(service);
        const composed = batch.map(compose);
        const started = performance.now();
        let results: PushResult[];
        try {
          results = await provider.send(composed.map((c) => c.message));
        } catch (error) {
          log({ level: 'error', msg: 'push provider failed', provider: provider.name, error: String(error) });
          results = [];
        }
        metrics?.observe(provider.name, (performance.now() - started) / 1000, results);
        return batch.map((delivery, i) => ({
          delivery,
          composed: composed[i]!,
          provider: provider.name,
          result: results[i] ?? PROVIDER_FAILED,
        }));
      }),
    );
    return attempts.flat();
  }

  async function record(leaseUntil: number, attempts: Attempt[]) {
    for (const { status, provider, n } of await recordAttempts(database, now(), leaseUntil, attempts, random)) {
      if (status !== 'queued') metrics?.reached(status, provider, n);
    }
  }

  /**
   * Starts a claim's batch: pushed, then recorded. Its place among the `concurrency` batches at the providers is
   * given up once its pushes are answered, so the next claim is made (and reaches the push thread) while this one's
   * results are written; measured, waiting for both writes (each with its WAL sync) left the push thread with
   * nothing to push for 4-9% of a run.
   */
  function dispatch(claim: Claim) {
    const pushed = push(claim);
    const atProviders: Promise<unknown> = pushed.catch(() => {}).finally(() => pushing.delete(atProviders));
    pushing.add(atProviders);
    const batch: Promise<void> = pushed
      .then((attempts) => record(claim.leaseUntil, attempts))
      // Unrecorded rows stay leased and are pushed again when the lease ends: at least once, never lost.
      .catch((error: unknown) => log({ level: 'error', msg: 'dispatching a batch failed', ...describeFailure(error) }))
      .finally(() => inFlight.delete(batch));
    inFlight.add(batch);
  }

  async function loop() {
    while (!stopped) {
      woken = false;
      let claim: Claim;
      try {
        claim = await claimDue(database, now(), batchSize, leaseMs);
      } catch (error) {
        log({ level: 'error', msg: 'claiming deliveries failed', ...describeFailure(error) });
        await pause(pollMs);
        continue;
      }
      if (claim.deliveries.length > 0) {
        // Claimed ahead: the batch waits here for a place, so it is posted the moment one is freed rather than a
        // claim (a write and its WAL sync) later. Measured, the batches at the push thread end together (each waits
        // for its slowest push), so that claim left the thread with nothing to push after every round of them.
        while (pushing.size >= concurrency) await Promise.race(pushing);
        dispatch(claim);
      }
      metrics?.reached('skipped', null, claim.closed.skipped);
      metrics?.reached('expired', null, claim.closed.expired);
      if (claim.deliveries.length === 0 && claim.closed.skipped + claim.closed.expired === 0) {
        if (inFlight.size > 0) {
          await pause(pollMs, Promise.race(inFlight));
          continue;
        }
        for (const resolve of settledWaiters.splice(0)) resolve();
        const next = await nextDueAt(database).catch(() => null);
        await pause(next === null ? pollMs : Math.min(Math.max(next - now(), 0), pollMs));
      }
    }
  }

  const running = loop();

  const wake = () => {
    woken = true;
    interrupt?.();
  };

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
      await Promise.all(inFlight);
      for (const resolve of settledWaiters.splice(0)) resolve();
    },
  };
}

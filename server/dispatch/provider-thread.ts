import type { Config } from '../config';
import { describeFailure, type Logger } from '../core/logger';
import { startThread } from '../core/thread';
import { packBatch, unpackResults, type PackedBatch, type PackedResults } from './push-batch';
import { pushConfigOf, type Providers, type ProvidersOptions, type PushConfig } from './providers/registry';
import type { PushProvider, PushResult, PushService } from './providers/types';

/** What the push thread starts from. */
export interface ThreadData {
  /** Only the push settings: the thread has no use for the rest, secrets included. */
  config: PushConfig;
  options: ProvidersOptions;
}

export type ToThread = { close: true } | { close?: undefined; id: number; service: PushService; batch: PackedBatch };

type ProviderNames = Record<PushService, PushProvider['name']>;

export type FromThread =
  | { ready: { services: string[]; names: ProviderNames } }
  | { failed: string }
  | { log: Record<string, unknown> }
  | { id: number; results: PackedResults }
  | { id: number; error: string }
  | { closed: true };

/** What crosses to the push thread: the push settings and options, never the rest of the configuration. */
export const threadData = (config: Config, options: ProvidersOptions): ThreadData => ({ config: pushConfigOf(config), options });

/** Run from the sources (tsx), the thread's body is TypeScript too; compiled, it is the bundle beside dist/cli.js. */
const FROM_SOURCES = import.meta.url.endsWith('.ts');

/**
 * The push providers in a worker thread of their own: the same providers as createProviders (built there from the
 * same configuration, so the same errors stop the start), pushing batches the dispatcher posts. The event loop
 * that drives HTTP/2 (APNs) and firebase-admin (FCM) then does nothing else, while this one claims and records;
 * measured, that database work was a fifth of the dispatcher's CPU per push. A thread that dies (a bug) fails its
 * batches in flight (they are retried like any failed push) and is started again (see superviseThreads).
 */
export async function startProviderThread(config: Config, log: Logger, options: ProvidersOptions = {}): Promise<Providers> {
  const threads = superviseThreads((onLost) => launch(threadData(config, options), log, onLost), log);
  const { services, names } = await threads.ready;
  const provider = (service: PushService): PushProvider => ({
    name: names[service],
    service,
    send: async (messages) => {
      if (messages.length === 0) return [];
      const current = threads.current();
      await current.ready;
      return current.send(service, packBatch(messages));
    },
    close: async () => {},
  });
  const providers: Record<PushService, PushProvider> = { apns: provider('apns'), fcm: provider('fcm') };
  return {
    for: (service) => providers[service],
    describe: () => services,
    close: threads.close,
  };
}

/** The pause before starting a thread again, doubled after each start that fails (up to the most), reset once one runs. */
export const RESTART_DELAY_MS = { least: 100, most: 30_000 };

/**
 * Keeps one thread running: `launch` starts one, calling `onLost` when it ends other than by close(). The first must
 * start (its failure is the caller's, e.g. a bad configuration); after that, a thread lost for any reason, even
 * one that failed as it started (a key file unreadable for a moment), is started again after a pause that doubles
 * while starts fail, so pushes resume by themselves and a thread that cannot start is not retried in a tight loop.
 * Meanwhile `current()` is the lost one, whose sends fail at once and are retried like any failed push.
 */
export function superviseThreads(launch: (onLost: () => void) => Thread, log: Logger, delays = RESTART_DELAY_MS) {
  let closing = false;
  let up = false;
  let delay = delays.least;
  let timer: NodeJS.Timeout | undefined;
  let thread = launch(lost);
  function lost() {
    if (closing || !up || timer) return;
    log({ level: 'error', msg: 'the push thread stopped; starting another', inMs: delay });
    timer = setTimeout(() => {
      timer = undefined;
      if (closing) return;
      thread = launch(lost);
      thread.ready.then(
        () => (delay = delays.least),
        (error: unknown) => log({ level: 'error', msg: 'starting the push thread failed', ...describeFailure(error) }),
      );
    }, delay);
    delay = Math.min(delay * 2, delays.most);
  }
  return {
    ready: thread.ready.then((ready) => {
      up = true;
      return ready;
    }),
    current: () => thread,
    async close() {
      closing = true;
      clearTimeout(timer);
      await thread.close();
    },
  };
}

export interface Thread {
  ready: Promise<{ services: string[]; names: ProviderNames }>;
  send(service: PushService, batch: PackedBatch): Promise<PushResult[]>;
  close(): Promise<void>;
}

/** Starts one push thread; `onLost` runs if it ends, once started, other than by close(). */
function launch(data: ThreadData, log: Logger, onLost: () => void): Thread {
  const entry = new URL(FROM_SOURCES ? './push-thread.ts' : './push-thread.js', import.meta.url);
  const worker = startThread(FROM_SOURCES ? new URL('./ts-thread.mjs', import.meta.url) : entry, {
    workerData: { ...data, entry: entry.href },
  });
  const pending = new Map<number, { resolve: (results: PushResult[]) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let state: 'starting' | 'running' | 'closing' | 'exited' = 'starting';
  let lostWith: Error | undefined;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let started: (ready: { services: string[]; names: ProviderNames }) => void;
  let refused: (error: Error) => void;
  const ready = new Promise<{ services: string[]; names: ProviderNames }>((resolve, reject) => {
    started = resolve;
    refused = reject;
  });

  worker.on('message', (message: FromThread) => {
    if ('log' in message) log(message.log);
    else if ('id' in message) {
      const call = pending.get(message.id);
      pending.delete(message.id);
      if ('results' in message) call?.resolve(unpackResults(message.results));
      else call?.reject(new Error(message.error));
    } else if ('ready' in message) {
      if (state === 'starting') state = 'running';
      started(message.ready);
    } else if ('failed' in message) refused(new Error(message.failed));
    // its connections are closed: nothing is left to wait for
    else if ('closed' in message) void worker.terminate();
  });
  // an uncaught exception in the thread: 'error', then 'exit'
  worker.on('error', (error) => {
    lostWith = error;
    log({ level: 'error', msg: 'the push thread failed', ...describeFailure(error) });
  });
  worker.on('exit', (code) => {
    const was = state;
    state = 'exited';
    const error = lostWith ?? new Error(`the push thread exited (code ${code})`);
    refused(error);
    for (const call of pending.values()) call.reject(error);
    pending.clear();
    // a thread that ended as it started is lost too (the first one's failure is its caller's: see superviseThreads)
    if (was !== 'closing') onLost();
  });

  return {
    ready,
    send: (service, batch) =>
      new Promise((resolve, reject) => {
        if (state === 'exited') return reject(lostWith ?? new Error('the push thread has exited'));
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, service, batch } satisfies ToThread);
      }),
    close() {
      if (state !== 'exited') {
        state = 'closing';
        // the thread closes its providers' connections, says so, and is then ended
        worker.postMessage({ close: true } satisfies ToThread);
      }
      return exited;
    },
  };
}

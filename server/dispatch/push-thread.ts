/**
 * The push thread (started by ./provider-thread.ts): builds the providers from configuration and pushes the batches
 * the dispatcher posts, so that the event loop driving HTTP/2 and firebase-admin does no database work.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Logger } from '../core/logger';
import { packResults, unpackBatch } from './push-batch';
import type { ThreadData, ToThread, FromThread } from './provider-thread';
import { createProviders, type Providers } from './providers/registry';

const port = parentPort!;
const post = (message: FromThread) => port.postMessage(message);
/** Log entries go to the dispatcher's logger; one that cannot be cloned goes as its JSON. */
const log: Logger = (entry) => {
  try {
    post({ log: entry });
  } catch {
    post({ log: JSON.parse(JSON.stringify(entry)) as Record<string, unknown> });
  }
};

const { config, options } = workerData as ThreadData;
let providers: Providers | undefined;
try {
  providers = createProviders(config, log, options);
  post({ ready: { services: providers.describe(), names: { apns: providers.for('apns').name, fcm: providers.for('fcm').name } } });
} catch (error) {
  post({ failed: error instanceof Error ? error.message : String(error) });
  port.close();
}

if (providers) {
  const ready = providers;
  port.on('message', (message: ToThread) => {
    if (message.close) {
      void ready
        .close()
        .catch((error: unknown) => log({ level: 'warn', msg: 'closing the push providers failed', error: String(error) }))
        .finally(() => {
          post({ closed: true });
          port.close();
        });
      return;
    }
    const { id, service, batch } = message;
    ready
      .for(service)
      .send(unpackBatch(batch))
      .then(
        (results) => post({ id, results: packResults(results) }),
        (error: unknown) => post({ id, error: error instanceof Error ? error.message : String(error) }),
      );
  });
}

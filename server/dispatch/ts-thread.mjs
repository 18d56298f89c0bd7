// Runs a TypeScript module as a worker thread's body when Herald runs from its sources (through tsx): a worker
// thread does not inherit tsx's loader on Node 20, so it registers it, then imports the module. Compiled
// (dist/), the thread starts the bundled JavaScript directly and never comes here.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);

import { fork, type ChildProcess, type Serializable } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Starts a bench's child-process entry (a TypeScript file, run under the same loader as the bench) with `args`, and
 * waits for its first IPC message: what it reports once ready (how to reach it). `name` says which child in the error
 * if it exits first. The child ends when the bench calls `child.disconnect()`.
 */
export async function forkReady<T>(entry: URL, name: string, args: string[] = []): Promise<{ child: ChildProcess; ready: T }> {
  const child = fork(fileURLToPath(entry), args, { execArgv: process.execArgv });
  const ready = await new Promise<T>((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
  return { child, ready };
}

/**
 * Asks a child started by forkReady: sends `request` and resolves with the child's next message, its answer (one
 * request at a time); rejects, naming the child as `name`, if it exits first.
 */
export const asker =
  <T>(child: ChildProcess, name: string) =>
  (request: Serializable): Promise<T> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null) => {
        child.off('message', onAnswer);
        reject(new Error(`${name} exited with ${code}`));
      };
      const onAnswer = (answer: unknown) => {
        child.off('exit', onExit);
        resolve(answer as T);
      };
      child.once('message', onAnswer).once('exit', onExit);
      child.send(request);
    });

/** Ends a child started by forkReady (it exits once disconnected) and resolves when it has. */
export const stopChild = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.disconnect();
  });

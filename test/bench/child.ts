import { fork, type ChildProcess } from 'node:child_process';
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

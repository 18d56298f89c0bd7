import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface HeraldProcess {
  child: ChildProcess;
  url: string;
  /** The admin token printed on first start of an empty database, else null. */
  token: string | null;
  dbUrl: string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Resident set size of the server process in MB, from /proc. */
  rssMb(): number;
  /** CPU time the server process has used so far (user + system, all threads), in ms, from /proc. */
  cpuMs(): number;
  /** Bytes the server process has written towards the disk so far (all threads), from /proc. */
  writtenBytes(): number;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Deletes the temporary database this call created (none when `env` named one); the caller may reuse it until then. */
  removeDatabase(): void;
}

/** node's arguments in `npm run herald:prod` (its flags and dist/cli.js), so the compiled server runs exactly as in production. */
function productionArgs(): string[] {
  const script: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts['herald:prod'];
  const [command, ...args] = script.trim().split(/\s+/);
  if (command !== 'node') throw new Error(`herald:prod should run node, not: ${script}`);
  return args;
}

/**
 * Runs `herald serve` as its own process (as `npm start` does), on port 0 and a temporary database
 * unless `env` says otherwise; resolves once it listens.
 */
export async function spawnHerald(
  env: Record<string, string> = {},
  args: string[] = ['serve'],
  options: { compiled?: boolean } = {},
): Promise<HeraldProcess> {
  const dir = env.HERALD_DB_URL ? null : mkdtempSync(join(tmpdir(), 'herald-proc-'));
  const dbUrl = env.HERALD_DB_URL ?? `file:${join(dir!, 'herald.db')}`;
  const removeDatabase = () => dir && rmSync(dir, { recursive: true, force: true });
  // compiled: the production build `npm run build` writes, run as `npm run herald:prod` does
  const entry = options.compiled ? productionArgs() : ['--import', 'tsx', 'server/cli.ts'];
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: root,
    env: { ...process.env, HERALD_PORT: '0', HERALD_LOG: 'silent', ...env, HERALD_DB_URL: dbUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // never leave a server behind when the test or bench process ends
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  child.once('exit', () => process.off('exit', orphanGuard));
  let stderr = '';
  child.stdout!.resume();
  let listening = false;
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match && !listening) {
        listening = true;
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      if (listening) return;
      // it never started, so nobody can reuse its database
      removeDatabase();
      reject(new Error(`herald exited with ${code}:\n${stderr}`));
    });
  });
  const token = /\b(hrld_[A-Za-z0-9_-]+)/.exec(stderr)?.[1] ?? null;
  return {
    child,
    url,
    token,
    dbUrl,
    stderr: () => stderr,
    cpuMs() {
      // after the command's closing parenthesis: state is field 3, utime and stime fields 14 and 15, in clock ticks
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    },
    rssMb() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    },
    writtenBytes() {
      return Number(/write_bytes:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/io`, 'utf8'))?.[1] ?? 0);
    },
    removeDatabase,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/** How a command run to its end went: its exit code (1 when it could not run or was killed) and what it printed. */
export interface CommandRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (by default in the repository, with this process's environment plus `env`); never rejects. */
export function runCommand(
  command: string,
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<CommandRun> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { env: { ...process.env, ...options.env }, cwd: options.cwd ?? root, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The CLI as `npm run -s herald --` runs it, without npm's start-up: `node --import tsx server/cli.ts ...args`. */
export const runHerald = (args: string[], env: Record<string, string | undefined> = {}) =>
  runCommand(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { env });

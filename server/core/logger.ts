import { DrizzleQueryError } from 'drizzle-orm/errors';

/** One structured log entry per call; never given secrets, message text or query parameters. */
export type Logger = (entry: Record<string, unknown>) => void;

export const jsonLogger: Logger = (entry) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
export const silentLogger: Logger = () => {};
/** The logger `HERALD_LOG` asks for. */
export const loggerFor = (setting: 'json' | 'silent'): Logger => (setting === 'silent' ? silentLogger : jsonLogger);

/**
 * What a log may keep of an unexpected error: a failed query's SQL and cause, never its parameters,
 * which hold message text, push tokens and other secrets.
 */
export function describeFailure(err: unknown): Record<string, string> {
  if (err instanceof DrizzleQueryError)
    return { error: String(err.cause instanceof Error ? err.cause.stack : err.cause), query: err.query };
  return { error: String(err instanceof Error ? err.stack : err) };
}

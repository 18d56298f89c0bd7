import type { Database } from '../db/client';
import { fixedWindows } from '../core/windows';
import { audit, type AuditEntry } from './log';

/** Identical denials of one account are recorded at most once per window. */
export const DENIAL_WINDOW_MS = 60_000;

/**
 * Records refused requests (403) without letting one caller flood the log: a signed-in user with no role is refused
 * every request, and a client retrying would write an entry each time. The first denial of an account on a route for
 * a reason (the error's code, not its message, which may name ids the caller chose) is recorded; identical ones in the
 * minute after it are only counted, and the next one recorded after that minute says how many were left out
 * (`details.omittedRepeats`). A first denial whose entry could not be written is not counted, so the next is recorded.
 */
export function deniedAuditor(database: Database, windowMs = DENIAL_WINDOW_MS) {
  const denials = fixedWindows(windowMs);
  return async (entry: AuditEntry & { details: { message: string } }, reason: string): Promise<void> => {
    const key = JSON.stringify([entry.tenantId, entry.actorAccountId, entry.action, reason]);
    const { count, previous } = denials.hit(key, entry.at);
    if (count > 1) return;
    try {
      await audit(database, previous > 1 ? { ...entry, details: { ...entry.details, omittedRepeats: previous - 1 } } : entry);
    } catch (error) {
      denials.forget(key);
      throw error;
    }
  };
}

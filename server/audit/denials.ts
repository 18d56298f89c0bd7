import type { Database } from '../db/client';
import { fixedWindows } from '../core/windows';
import { audit, type AuditEntry } from './log';

/** Identical denials of one account are recorded at most once per window. */
export const DENIAL_WINDOW_MS = 60_000;

/**
 * Records refused requests (403) without letting one caller flood the log: a signed-in user with no role is refused
 * every request, and a client retrying would write an entry each time. The first denial of an account on a route for
 * a reason is recorded; identical ones in the minute after it are only counted, and the next one recorded after that
 * minute says how many were left out (`details.omittedRepeats`).
 */
export function deniedAuditor(database: Database, windowMs = DENIAL_WINDOW_MS) {
  const count = fixedWindows(windowMs);
  return async (entry: AuditEntry & { details: { message: string } }): Promise<void> => {
    const key = JSON.stringify([entry.tenantId, entry.actorAccountId, entry.action, entry.details.message]);
    const { count: denials, previous } = count(key, entry.at);
    if (denials > 1) return;
    await audit(database, previous > 1 ? { ...entry, details: { ...entry.details, omittedRepeats: previous - 1 } } : entry);
  };
}

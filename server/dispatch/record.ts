import { sql } from 'drizzle-orm';
import type { DeliveryStatus } from '../../shared/schemas';
import type { Database } from '../db/client';
import { jsonRowIn } from '../db/json-rows';
import { hashSecret } from '../core/secrets';
import { retryDelayMs } from './backoff';
import type { Claimed } from './claim';
import type { Composed } from './compose';
import type { PushProvider, PushResult } from './providers/types';

export interface Attempt {
  delivery: Claimed;
  composed: Composed;
  provider: PushProvider['name'];
  result: PushResult;
}

type Closing = {
  id: number;
  status: DeliveryStatus;
  reason: string | null;
  provider: PushProvider['name'];
  fallback: string | null;
  next: number | null;
};
/** Each delivery's result, sent to SQL as one JSON array per row and unpacked by the same list. */
const closing = jsonRowIn<Closing>('id', 'status', 'reason', 'provider', 'fallback', 'next');

type InvalidToken = { tenant_id: string; id: string; token: string; sha256: string };
const invalidToken = jsonRowIn<InvalidToken>('tenant_id', 'id', 'token', 'sha256');

/**
 * Records a batch's results in one write. ok: `sent`. invalidToken: `failed`, and the device's token is cleared
 * and marked invalid, keeping only its hash so that a check-in with that same token keeps the mark (unless the
 * device has checked in with another one meanwhile). retryable: back to `queued`
 * after a backoff that honours Retry-After, or `expired` if that would pass the notification's expiry.
 * permanent: `failed`. Only rows still `queued` change, so a receipt that arrived first is never undone; a
 * failure is recorded only under this claim's lease (after it expired, another worker owns the row), while a
 * success is recorded whoever holds the row. Returns each delivery's new status and provider (among its other fields).
 */
export async function recordAttempts(
  database: Database,
  now: number,
  leaseUntil: number,
  attempts: readonly Attempt[],
  random: () => number,
) {
  const rows: Closing[] = [];
  const invalidTokens: InvalidToken[] = [];
  for (const { delivery: d, composed, provider, result } of attempts) {
    const close = (status: DeliveryStatus, reason: string | null, next: number | null = null) =>
      rows.push({ id: d.id, status, reason, provider, fallback: composed.fallback, next });
    switch (result.outcome) {
      case 'ok':
        close('sent', null);
        break;
      case 'invalidToken':
        close('failed', result.reason);
        invalidTokens.push({ tenant_id: d.tenantId, id: d.deviceId, token: d.token, sha256: hashSecret(d.token) });
        break;
      case 'permanent':
        close('failed', result.reason);
        break;
      case 'retryable': {
        const next = now + retryDelayMs(d.attempts, result.retryAfterMs, random, result.minDelayMs);
        if (next >= d.expiresAt) close('expired', result.reason);
        else close('queued', result.reason, next);
      }
    }
  }
  if (rows.length === 0) return [];
  // Most of a batch is plainly sent: those rows go by id alone, one list per provider; the rest carry their fields.
  const sent = new Map<PushProvider['name'], number[]>();
  const others: unknown[][] = [];
  for (const row of rows) {
    if (row.status === 'sent' && row.fallback === null) {
      const ids = sent.get(row.provider);
      if (ids) ids.push(row.id);
      else sent.set(row.provider, [row.id]);
    } else others.push(closing.encode(row));
  }
  await database.write(async (tx) => {
    // `+status`: look rows up by id, not scan every queued row through the status index (quadratic on a backlog).
    for (const [provider, ids] of sent)
      await tx.run(sql`
        UPDATE deliveries SET status = 'sent', reason = NULL, provider = ${provider}, fallback = NULL,
          next_attempt_at = NULL, lease_until = NULL, updated_at = ${now}, sent_at = ${now}
        WHERE id IN (SELECT value FROM json_each(${JSON.stringify(ids)})) AND +status = 'queued'`);
    if (others.length)
      await tx.run(sql`
        UPDATE deliveries SET status = r.status, reason = r.reason, provider = r.provider, fallback = r.fallback,
          next_attempt_at = r.next, lease_until = NULL, updated_at = ${now},
          sent_at = CASE WHEN r.status = 'sent' THEN ${now} ELSE deliveries.sent_at END
        FROM (SELECT ${closing.columns} FROM json_each(${JSON.stringify(others)})) r
        WHERE deliveries.id = r.id AND +deliveries.status = 'queued' AND (r.status = 'sent' OR deliveries.lease_until = ${leaseUntil})`);
    if (invalidTokens.length)
      await tx.run(sql`
        UPDATE devices SET push_token = NULL, push_token_invalid_at = ${now}, push_token_rejected_sha256 = r.sha256
        FROM (SELECT ${invalidToken.columns} FROM json_each(${JSON.stringify(invalidTokens.map(invalidToken.encode))})) r
        WHERE devices.tenant_id = r.tenant_id AND devices.id = r.id AND devices.push_token = r.token`);
  });
  return rows;
}

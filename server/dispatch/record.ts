import { sql } from 'drizzle-orm';
import type { DeliveryStatus } from '../../shared/schemas';
import type { Database } from '../db/client';
import { hashSecret } from '../secrets';
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

type Closing = [id: number, status: DeliveryStatus, reason: string | null, provider: PushProvider['name'], fallback: string | null, nextAttemptAt: number | null];

/**
 * Records a batch's results in one write. ok: `sent`. invalidToken: `failed`, and the device's token is cleared
 * and marked invalid, keeping only its hash so that a check-in with that same token keeps the mark (unless the
 * device has checked in with another one meanwhile). retryable: back to `queued`
 * after a backoff that honours Retry-After, or `expired` if that would pass the notification's expiry.
 * permanent: `failed`. Only rows still `queued` change, so a receipt that arrived first is never undone; a
 * failure is recorded only under this claim's lease (after it expired, another worker owns the row), while a
 * success is recorded whoever holds the row. Returns each delivery's new status and provider.
 */
export async function recordAttempts(database: Database, now: number, leaseUntil: number, attempts: readonly Attempt[], random: () => number) {
  const rows: Closing[] = [];
  const invalidTokens: [tenantId: string, deviceId: string, token: string, tokenSha256: string][] = [];
  for (const { delivery: d, composed, provider, result } of attempts) {
    const close = (status: DeliveryStatus, reason: string | null, next: number | null = null) =>
      rows.push([d.id, status, reason, provider, composed.fallback, next]);
    switch (result.outcome) {
      case 'ok':
        close('sent', null);
        break;
      case 'invalidToken':
        close('failed', result.reason);
        invalidTokens.push([d.tenantId, d.deviceId, d.token, hashSecret(d.token)]);
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
  await database.write(async (tx) => {
    // `+status`: look rows up by id, not scan every queued row through the status index (quadratic on a backlog).
    await tx.run(sql`
      UPDATE deliveries SET status = r.status, reason = r.reason, provider = r.provider, fallback = r.fallback,
        next_attempt_at = r.next, lease_until = NULL, updated_at = ${now},
        sent_at = CASE WHEN r.status = 'sent' THEN ${now} ELSE deliveries.sent_at END
      FROM (SELECT value->>0 AS id, value->>1 AS status, value->>2 AS reason, value->>3 AS provider, value->>4 AS fallback, value->>5 AS next
            FROM json_each(${JSON.stringify(rows)})) r
      WHERE deliveries.id = r.id AND +deliveries.status = 'queued' AND (r.status = 'sent' OR deliveries.lease_until = ${leaseUntil})`);
    if (invalidTokens.length)
      await tx.run(sql`
        UPDATE devices SET push_token = NULL, push_token_invalid_at = ${now}, push_token_rejected_sha256 = r.sha256
        FROM (SELECT value->>0 AS tenant_id, value->>1 AS id, value->>2 AS token, value->>3 AS sha256 FROM json_each(${JSON.stringify(invalidTokens)})) r
        WHERE devices.tenant_id = r.tenant_id AND devices.id = r.id AND devices.push_token = r.token`);
  });
  return rows.map(([, status, , provider]) => ({ status, provider }));
}

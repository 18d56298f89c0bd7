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

const closingOf = (
  { delivery, provider, composed }: Attempt,
  status: DeliveryStatus,
  reason: string | null,
  next: number | null = null,
): Closing => ({
  id: delivery.id,
  status,
  reason,
  provider,
  fallback: composed.fallback,
  next,
});

type InvalidToken = { tenant_id: string; id: string; token: string; sha256: string };
const invalidToken = jsonRowIn<InvalidToken>('tenant_id', 'id', 'token', 'sha256');

/** How many deliveries of a batch reached a status through a provider (`queued`: back in the queue for a retry). */
export interface Reached {
  status: DeliveryStatus;
  provider: PushProvider['name'];
  n: number;
}

/**
 * Records a batch's results in one write. ok: `sent`. invalidToken: `failed`, and the device's token is cleared
 * and marked invalid, keeping only its hash so that a check-in with that same token keeps the mark (unless the
 * device has checked in with another one meanwhile). retryable: back to `queued`
 * after a backoff that honours Retry-After, or `expired` if that would pass the notification's expiry.
 * permanent: `failed`. Only rows still `queued` change, so a receipt that arrived first is never undone; a
 * failure is recorded only under this claim's lease (after it expired, another worker owns the row), while a
 * success is recorded whoever holds the row. Returns how many reached each status, by provider.
 */
export async function recordAttempts(
  database: Database,
  now: number,
  leaseUntil: number,
  attempts: readonly Attempt[],
  random: () => number,
): Promise<Reached[]> {
  // Most of a batch is plainly sent: those rows go by id alone, one list per provider, with no object per push;
  // the rest carry their fields.
  const sent = new Map<PushProvider['name'], number[]>();
  const others: Closing[] = [];
  const invalidTokens: InvalidToken[] = [];
  for (const attempt of attempts) {
    const { delivery: d, composed, provider, result } = attempt;
    switch (result.outcome) {
      case 'ok':
        if (composed.fallback === null) {
          const ids = sent.get(provider);
          if (ids) ids.push(d.id);
          else sent.set(provider, [d.id]);
        } else others.push(closingOf(attempt, 'sent', null));
        break;
      case 'invalidToken':
        others.push(closingOf(attempt, 'failed', result.reason));
        invalidTokens.push({ tenant_id: d.tenantId, id: d.deviceId, token: d.token, sha256: hashSecret(d.token) });
        break;
      case 'permanent':
        others.push(closingOf(attempt, 'failed', result.reason));
        break;
      case 'retryable': {
        const next = now + retryDelayMs(d.attempts, result.retryAfterMs, random, result.minDelayMs);
        if (next >= d.expiresAt) others.push(closingOf(attempt, 'expired', result.reason));
        else others.push(closingOf(attempt, 'queued', result.reason, next));
      }
    }
  }
  if (sent.size === 0 && others.length === 0) return [];
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
        FROM (SELECT ${closing.columns} FROM json_each(${JSON.stringify(others.map(closing.encode))})) r
        WHERE deliveries.id = r.id AND +deliveries.status = 'queued' AND (r.status = 'sent' OR deliveries.lease_until = ${leaseUntil})`);
    if (invalidTokens.length)
      await tx.run(sql`
        UPDATE devices SET push_token = NULL, push_token_invalid_at = ${now}, push_token_rejected_sha256 = r.sha256
        FROM (SELECT ${invalidToken.columns} FROM json_each(${JSON.stringify(invalidTokens.map(invalidToken.encode))})) r
        WHERE devices.tenant_id = r.tenant_id AND devices.id = r.id AND devices.push_token = r.token`);
  });
  const reached: Reached[] = [...sent].map(([provider, ids]) => ({ status: 'sent', provider, n: ids.length }));
  for (const { status, provider } of others) {
    const counted = reached.find((r) => r.status === status && r.provider === provider);
    if (counted) counted.n++;
    else reached.push({ status, provider, n: 1 });
  }
  return reached;
}

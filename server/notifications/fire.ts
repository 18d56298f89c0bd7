import { and, asc, eq, lte, min } from 'drizzle-orm';
import type { AudienceSummary, RefusedDevice, Target } from '../../shared/schemas';
import { auditIn } from '../audit/log';
import { AppError } from '../core/errors';
import { describeFailure, type Logger } from '../core/logger';
import type { Database, Tx } from '../db/client';
import { databaseUnavailable } from '../db/errors';
import { deviceSends, notifications } from '../db/schema';
import { principalNow } from '../rbac/grants';
import { readSettingsIn } from '../tenant/settings';
import { claim, releaseDeviceSlots } from './cancel';
import { rowTarget } from './history';
import { describeTarget, judgeTarget, refusalsOf, snapshotAudience } from './send';

export interface FireDeps {
  database: Database;
  now: () => number;
  /** Called when a fired send queued deliveries, so the dispatcher pushes them at once. */
  onQueued?: () => void;
  /**
   * Unexpected failures so far of each send this process could not fire, and when the first was (the scheduler keeps
   * one for its life): after FIRE_ATTEMPTS failures spread over at least FIRE_GIVE_UP_MS the send becomes `failed`, so
   * one that can never fire does not hold up the others forever, while a passing failure fails nothing.
   */
  attempts?: Map<string, { failures: number; since: number }>;
  log?: Logger;
}

/** How often, and for how long at least, one process tries a send that fails for an unexpected reason (not the database being unavailable). */
export const FIRE_ATTEMPTS = 3;
export const FIRE_GIVE_UP_MS = 60_000;

type Scheduled = typeof notifications.$inferSelect;

/** When the earliest scheduled send is due (epoch ms), or null when none is scheduled. */
export async function nextSendAt(database: Database): Promise<number | null> {
  const [row] = await database.db
    .select({ at: min(notifications.sendAt) })
    .from(notifications)
    .where(eq(notifications.status, 'scheduled'));
  return row?.at ?? null;
}

/**
 * Fires every scheduled send whose sendAt has come, oldest first, `limit` at a time: what the scheduler of each
 * `serve` and `worker` process does. Returns how many it moved out of `scheduled` (another process may take some);
 * throws the first failure when none could be moved.
 */
export async function fireDue(deps: FireDeps, limit = 50): Promise<number> {
  const { db } = deps.database;
  const due = await db
    .select({
      id: notifications.id,
      tenantId: notifications.tenantId,
      senderAccountId: notifications.senderAccountId,
      sendAt: notifications.sendAt,
    })
    .from(notifications)
    .where(and(eq(notifications.status, 'scheduled'), lte(notifications.sendAt, deps.now())))
    .orderBy(asc(notifications.sendAt))
    .limit(limit);
  let fired = 0;
  let failure: unknown = null;
  for (const entry of due) {
    // one send that cannot be fired (the database failing on it, or its row unreadable) holds up none of the others
    try {
      const [row] = await db
        .select()
        .from(notifications)
        .where(and(eq(notifications.id, entry.id), eq(notifications.tenantId, entry.tenantId)));
      if (row?.status === 'scheduled' && (await fireOne(deps, row))) fired++;
      deps.attempts?.delete(entry.id);
    } catch (error) {
      if (!databaseUnavailable(error) && (await failAfterAttempts(deps, entry, error))) fired++;
      else failure ??= error;
    }
  }
  // a send canceled or fired elsewhere between its failures is not seen again
  for (const [id, { since }] of deps.attempts ?? []) if (deps.now() - since > 86_400_000) deps.attempts?.delete(id);
  if (failure !== null && fired === 0) throw failure;
  return fired;
}

/**
 * Counts an unexpected failure to fire a send and, at FIRE_ATTEMPTS, marks it `failed` (`fireFailed`) with its device
 * slots freed and the audit entry written, touching nothing of the row but its status: the row may be what fails.
 */
async function failAfterAttempts(deps: FireDeps, row: Due, error: unknown) {
  const { attempts } = deps;
  if (!attempts) return false;
  const now = deps.now();
  const seen = attempts.get(row.id) ?? { failures: 0, since: now };
  const attempt = { failures: seen.failures + 1, since: seen.since };
  attempts.set(row.id, attempt);
  deps.log?.({
    level: 'error',
    msg: 'firing a scheduled send failed',
    notificationId: row.id,
    attempt: attempt.failures,
    ...describeFailure(error),
  });
  if (attempt.failures < FIRE_ATTEMPTS || now - attempt.since < FIRE_GIVE_UP_MS) return false;
  const failure = {
    code: 'fireFailed',
    message: `Herald could not fire this send: it failed ${attempt.failures} times over ${Math.round((now - attempt.since) / 1000)} s for an internal reason (logged on the server). Nothing was sent.`,
  };
  return deps.database
    .write(async (tx) => {
      if (!(await claim(tx, row, { status: 'failed', failure }))) return false;
      await tx.delete(deviceSends).where(and(eq(deviceSends.tenantId, row.tenantId), eq(deviceSends.notificationId, row.id)));
      // its target is what may not be readable
      await auditFire(tx, row, null, now, 'failed', { status: 'failed', ...failure });
      return true;
    })
    .then(
      (failed) => {
        attempts.delete(row.id);
        return failed;
      },
      // recording the failure failed too: the send stays scheduled, and is tried (and given up on) again
      () => false,
    );
}

/**
 * Takes one due send out of `scheduled`, exactly once whatever other processes do: each outcome is written by a
 * conditional UPDATE (`WHERE status = 'scheduled'`) in a write transaction, the same one that writes the audience
 * snapshot and the deliveries, so a crash before its commit leaves the send scheduled and a restart fires it.
 * The tenant's pushTtlHours late or more, it expires; a sender who lost the permission (or whose account or token
 * is gone) makes it fail; else the audience is expanded as the directory is now. The rights are judged while the
 * write lock is held, so a role removal, token revocation or scope change committed before the firing commits is
 * never missed.
 */
async function fireOne(deps: FireDeps, row: Scheduled): Promise<boolean> {
  const { database } = deps;
  const { tenantId, id } = row;
  const sendAt = row.sendAt!;
  // false when another process or a cancel took it first, true when it failed or expired, its audience when it fired
  const outcome = await database.write(async (tx): Promise<boolean | AudienceSummary> => {
    const now = deps.now();
    const settings = await readSettingsIn(tx, tenantId);
    // at exactly pushTtlHours late its deliveries would expire as they are written (sendAt + pushTtlHours), so it expires
    if (now - sendAt >= settings.pushTtlHours * 3_600_000)
      return settle(tx, row, now, 'expired', null, {
        outcome: 'failed',
        details: { lateSeconds: Math.floor((now - sendAt) / 1000), pushTtlHours: settings.pushTtlHours },
      });
    let judged: { target: Target; refused?: RefusedDevice[] };
    try {
      judged = await judgeNow(database, row);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const failure = { code: error.code, message: error.message };
      return settle(tx, row, now, 'failed', failure, {
        outcome: error.status === 403 ? 'denied' : 'failed',
        details: { ...failure, ...(error.details !== undefined && { refused: error.details }) },
      });
    }
    const { target, refused } = judged;
    if (!(await claim(tx, row, { status: 'queued', firedAt: now }))) return false;
    const { audience, range } = await snapshotAudience(tx, tenantId, id, target, row.translations ?? {}, now);
    await tx
      .update(notifications)
      .set({
        ...range,
        deviceIds: target.type === 'devices' ? target.deviceIds : row.deviceIds,
        audienceUsers: audience.users,
        audienceDevices: audience.devices,
        skipped: audience.skipped,
        expiresAt: sendAt + settings.pushTtlHours * 3_600_000,
      })
      .where(eq(notifications.id, id));
    // a device refused now uses no slot
    if (refused) await releaseDeviceSlots(tx, tenantId, id, { type: 'devices', deviceIds: refused.map((r) => r.deviceId) });
    await auditFire(tx, row, target, now, 'success', {
      lateSeconds: Math.max(0, Math.floor((now - sendAt) / 1000)),
      audience,
      ...(refused && { refused }),
    });
    return audience;
  });
  if (typeof outcome === 'object' && outcome.devices > 0) deps.onQueued?.();
  return outcome !== false;
}

/**
 * The sender's rights now over the send's target (read outside the transaction, while its write lock keeps others from
 * committing): the target to fire to (a bulk send's devices that still pass) and the devices refused now. Throws the
 * AppError the send fails with.
 */
async function judgeNow(database: Database, row: Scheduled): Promise<{ target: Target; refused?: RefusedDevice[] }> {
  const principal = await principalNow(database, row.tenantId, row.senderAccountId, row.signIn!);
  if (!principal)
    throw new AppError(
      403,
      'forbidden',
      row.signIn?.source === 'apiToken'
        ? 'The API token the send was scheduled with has been revoked or deleted, or its account is gone.'
        : 'The account that scheduled the send is gone or no longer linked to its Entra ID user.',
    );
  const { target, bulk } = await judgeTarget(database.db, principal, rowTarget(row), row.urgency);
  return { target, refused: bulk?.refused.size ? refusalsOf(bulk.requested, bulk.refused) : undefined };
}

/** A send that does not fire (failed or expired): recorded in its history and the audit log, its device slots freed. */
async function settle(
  tx: Tx,
  row: Scheduled,
  now: number,
  status: 'failed' | 'expired',
  failure: { code: string; message: string } | null,
  entry: { outcome: 'denied' | 'failed'; details: Record<string, unknown> },
): Promise<boolean> {
  if (!(await claim(tx, row, { status, failure }))) return false;
  const target = rowTarget(row);
  await releaseDeviceSlots(tx, row.tenantId, row.id, target);
  await auditFire(tx, row, target, now, entry.outcome, { status, ...entry.details });
  return true;
}

/** What the due query reads of a scheduled send: enough to give up on it when the rest of its row cannot be read. */
type Due = Pick<Scheduled, 'id' | 'tenantId' | 'senderAccountId' | 'sendAt'>;

/** `notification.fire` in the audit log, acted by the send's sender (the scheduler acts on its behalf). */
function auditFire(
  tx: Tx,
  row: Due,
  target: Target | null,
  now: number,
  outcome: 'success' | 'denied' | 'failed',
  details: Record<string, unknown>,
) {
  return auditIn(tx, {
    tenantId: row.tenantId,
    actorAccountId: row.senderAccountId,
    action: 'notification.fire',
    target: target ? describeTarget(target) : `notification ${row.id}`,
    outcome,
    details: { notificationId: row.id, sendAt: new Date(row.sendAt!).toISOString(), target, ...details },
    at: now,
  });
}

import { sql, type SQL } from 'drizzle-orm';
import type { AudienceSummary, LanguageCounts, RefusedDevice, Send, SkipReason, Target } from '../../shared/schemas';
import type { Db } from '../db/client';
import { summarizeAudience } from '../directory/audience';
import type { Principal } from '../core/principal';
import { getTemplate } from '../templates/templates';
import { languageCounts } from './languages';
import { audienceRows, authorizeTarget, judgeDevices, refusalsOf } from './send';

/**
 * The audience a send would have now, under the same checks, without sending or using quota, and how many of its
 * devices would get each language: the translations of the preview's body, or of its template (a 404 for an unknown
 * one) when it gives none.
 */
export async function previewAudience(
  db: Db,
  principal: Principal,
  target: Target,
  message: Pick<Send, 'translations' | 'templateId' | 'urgency'>,
): Promise<{ target: Target; audience: AudienceSummary; languages: LanguageCounts; refused?: RefusedDevice[] }> {
  const template = message.templateId ? await getTemplate(db, principal.tenantId, message.templateId) : null;
  // a template's urgency `high` needs its permission as the preview's own does
  const urgency = message.urgency ?? template?.urgency ?? 'normal';
  let refused: RefusedDevice[] | undefined;
  let audience: AudienceSummary;
  if (target.type === 'devices') {
    // each device judged as a send would judge it (its quota aside: a preview uses none)
    const judged = await judgeDevices(db, principal, target.deviceIds, urgency);
    refused = refusalsOf(target.deviceIds, judged.refused);
    target = judged.target;
    audience = await summarizeRows(db, audienceRows(principal.tenantId, target, {}));
  } else audience = await audienceOf(db, principal.tenantId, target, await authorizeTarget(db, principal, target, urgency));
  const translations = message.translations ?? template?.translations ?? {};
  const result = { target, audience, ...(refused && { refused }) };
  if (Object.keys(translations).length === 0) return { ...result, languages: languageCounts([{ language: null, n: audience.devices }]) };
  const rows = await db.all<{ language: string | null; n: number }>(
    sql`SELECT language, count(*) AS n FROM (${audienceRows(principal.tenantId, target, translations)}) WHERE skip_reason IS NULL GROUP BY language`,
  );
  return { ...result, languages: languageCounts(rows) };
}

/** The audience summary of `(device_id, user_id, skip_reason)` rows. */
async function summarizeRows(db: Db, rows: SQL): Promise<AudienceSummary> {
  const counts = await db.all<{ reason: SkipReason | null; n: number; users: number }>(
    sql`SELECT skip_reason AS reason, count(*) AS n, (SELECT count(DISTINCT user_id) FROM (${rows})) AS users FROM (${rows}) GROUP BY skip_reason`,
  );
  const audience: AudienceSummary = { users: counts[0]?.users ?? 0, devices: 0, skipped: {} };
  for (const c of counts) {
    if (c.reason) audience.skipped[c.reason] = c.n;
    else audience.devices = c.n;
  }
  return audience;
}

async function audienceOf(
  db: Db,
  tenantId: string,
  target: Exclude<Target, { type: 'devices' }>,
  device: Awaited<ReturnType<typeof authorizeTarget>>,
) {
  if (target.type === 'groups') return summarizeAudience(db, tenantId, target.groupIds);
  // authorizeTarget returned the device of a device send, with its skip reason
  const { enrolledByUserId, skipReason } = device!;
  const users = enrolledByUserId ? 1 : 0;
  return skipReason ? { users, devices: 0, skipped: { [skipReason]: 1 } } : { users, devices: 1, skipped: {} };
}

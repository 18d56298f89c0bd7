import { sql } from 'drizzle-orm';
import type { AudienceSummary, LanguageCounts, Send, Target } from '../../shared/schemas';
import type { Db } from '../db/client';
import { summarizeAudience } from '../directory/audience';
import type { Principal } from '../core/principal';
import { getTemplate } from '../templates/templates';
import { languageCounts } from './languages';
import { audienceRows, authorizeTarget } from './send';

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
): Promise<{ audience: AudienceSummary; languages: LanguageCounts }> {
  const template = message.templateId ? await getTemplate(db, principal.tenantId, message.templateId) : null;
  // a template's urgency `high` needs its permission as the preview's own does
  const device = await authorizeTarget(db, principal, target, message.urgency ?? template?.urgency ?? 'normal');
  const audience = await audienceOf(db, principal.tenantId, target, device);
  const translations = message.translations ?? template?.translations ?? {};
  if (Object.keys(translations).length === 0) return { audience, languages: languageCounts([{ language: null, n: audience.devices }]) };
  const rows = await db.all<{ language: string | null; n: number }>(
    sql`SELECT language, count(*) AS n FROM (${audienceRows(principal.tenantId, target, translations)}) WHERE skip_reason IS NULL GROUP BY language`,
  );
  return { audience, languages: languageCounts(rows) };
}

async function audienceOf(db: Db, tenantId: string, target: Target, device: Awaited<ReturnType<typeof authorizeTarget>>) {
  if (target.type === 'groups') return summarizeAudience(db, tenantId, target.groupIds);
  // authorizeTarget returned the device of a device send, with its skip reason
  const { enrolledByUserId, skipReason } = device!;
  const users = enrolledByUserId ? 1 : 0;
  return skipReason ? { users, devices: 0, skipped: { [skipReason]: 1 } } : { users, devices: 1, skipped: {} };
}

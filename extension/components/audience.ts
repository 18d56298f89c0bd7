import { skipReasonLabels } from '../../shared/reasons';
import type { AudienceSummary, SkipReason, Target } from '../../shared/schemas';
import type { LanguageCount } from '../utils/api-types';
import { plural } from '../utils/format';

/** "one device", "3 devices" (a bulk send), "2 group(s)" */
export const targetText = (t: Target) =>
  t.type === 'device' ? 'one device' : t.type === 'devices' ? plural(t.deviceIds.length, 'device') : `${t.groupIds.length} group(s)`;

/** "12 users on 15 devices" */
export const reachText = (a: AudienceSummary) => `${plural(a.users, 'user')} on ${plural(a.devices, 'device')}`;

/** "skipped: 2 macOS or Windows, 1 not enrolled", or '' when nothing is skipped. */
export function skippedText(a: AudienceSummary): string {
  const parts = Object.entries(a.skipped)
    .filter(([, n]) => n)
    .map(([reason, n]) => `${n} ${skipReasonLabels[reason as SkipReason] ?? reason}`);
  return parts.length ? `Skipped: ${parts.join(', ')}.` : '';
}

/** "3 devices get fr-FR, 12 the default text", or '' when only the default text is sent. */
export function languagesText(counts: LanguageCount[] | undefined): string {
  if (!counts?.some((c) => c.language !== null)) return '';
  const parts = [...counts]
    .sort((a, b) => (a.language === null ? 1 : b.language === null ? -1 : 0))
    .map((c) => `${plural(c.devices, 'device')} ${c.language === null ? 'the default text' : c.language}`);
  return `${parts.join(', ')}.`;
}

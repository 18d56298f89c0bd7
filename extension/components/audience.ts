import { skipReasonLabels } from '../../shared/reasons';
import type { AudienceSummary, SkipReason } from '../../shared/schemas';
import { plural } from '../utils/format';

/** "12 users on 15 devices" */
export const reachText = (a: AudienceSummary) => `${plural(a.users, 'user')} on ${plural(a.devices, 'device')}`;

/** "skipped: 2 macOS or Windows, 1 not enrolled", or '' when nothing is skipped. */
export function skippedText(a: AudienceSummary): string {
  const parts = Object.entries(a.skipped)
    .filter(([, n]) => n)
    .map(([reason, n]) => `${n} ${skipReasonLabels[reason as SkipReason] ?? reason}`);
  return parts.length ? `Skipped: ${parts.join(', ')}.` : '';
}

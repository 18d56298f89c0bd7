import type { AudienceSummary, Target } from '../../shared/schemas';
import type { Urgency } from '../../shared/urgency';
import type { Db } from '../db/client';
import { summarizeAudience } from '../directory/audience';
import type { Principal } from '../core/principal';
import { authorizeTarget } from './send';

/** The audience a send would have now, under the same checks, without sending or using quota. */
export async function previewAudience(db: Db, principal: Principal, target: Target, urgency: Urgency): Promise<AudienceSummary> {
  const device = await authorizeTarget(db, principal, target, urgency);
  if (target.type === 'groups') return summarizeAudience(db, principal.tenantId, target.groupIds);
  // authorizeTarget returned the device of a device send, with its skip reason
  const { enrolledByUserId, skipReason } = device!;
  const users = enrolledByUserId ? 1 : 0;
  return skipReason ? { users, devices: 0, skipped: { [skipReason]: 1 } } : { users, devices: 1, skipped: {} };
}

import { z } from 'zod';
import {
  graphExecuteActionSchema,
  graphExecuteActionTargetSchema,
  type GraphBulkActionResult,
  type RefusedDevice,
} from '../../shared/schemas';
import { invalidRequest } from '../core/errors';
import { parseOr400 } from '../core/parse';
import type { Principal } from '../core/principal';
import type { Deps } from '../deps';
import { AllDevicesRefused, sendNotification, targetIn } from '../notifications/send';

/** The action a body names, read before anything else (another action is refused whatever else the body says). */
const actionName = z.object({ actionName: z.string() });

/** Where Graph lists a device a single send would refuse: a device Intune cannot notify is "not supported". */
const LIST_OF: Record<string, keyof Omit<GraphBulkActionResult, 'successfulDeviceIds'>> = {
  notFound: 'notFoundDeviceIds',
  unsupportedPlatform: 'notSupportedDeviceIds',
  notEnrolled: 'notSupportedDeviceIds',
};

/**
 * Graph's `managedDevices/executeAction` with `customTextNotification`: a bulk device send (as POST /v1/notifications
 * with deviceIds), answered as Graph's bulkManagedDeviceActionResult; quota and permission refusals are "failed". A
 * sender without the sending permission at all, or a body Herald cannot read, is an error as for any send.
 */
export async function executeAction(deps: Deps, principal: Principal, body: unknown): Promise<GraphBulkActionResult> {
  const action = actionName.safeParse(body).data?.actionName;
  if (action !== undefined && action !== 'customTextNotification')
    throw invalidRequest(`actionName: '${action.slice(0, 128)}' is not supported; only 'customTextNotification' is.`);
  let sent: string[] = [];
  let refused: RefusedDevice[];
  try {
    const accepted = await sendNotification(deps, principal, 'graph', async () => ({
      target: targetIn(graphExecuteActionTargetSchema, body),
      kind: 'devices',
      parse: () => parseOr400(graphExecuteActionSchema, body),
    }));
    if (accepted.target.type === 'devices') sent = accepted.target.deviceIds;
    refused = accepted.refused ?? [];
  } catch (error) {
    if (!(error instanceof AllDevicesRefused)) throw error;
    refused = error.refused;
  }
  const result: GraphBulkActionResult = {
    successfulDeviceIds: sent,
    failedDeviceIds: [],
    notFoundDeviceIds: [],
    notSupportedDeviceIds: [],
  };
  for (const r of refused) result[LIST_OF[r.code] ?? 'failedDeviceIds'].push(r.deviceId);
  return result;
}

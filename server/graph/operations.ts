import { graphBulkActionResultSchema, graphDeviceSendSchema, graphExecuteActionSchema, graphGroupSendSchema } from '../../shared/schemas';
import { answer, failure, noContent, type Operations } from '../core/operation';

const sends = (version: string): Operations => ({
  [`POST ${version}/deviceManagement/sendCustomNotificationToCompanyPortal`]: {
    summary:
      "Microsoft Graph's group send: notificationTitle, notificationBody and groupsToNotify, as POST /v1/notifications (Organization.Update)",
    body: graphGroupSendSchema,
    responses: { 204: noContent('Accepted and durable'), 429: failure('A quota is used up (with Retry-After)') },
  },
  [`POST ${version}/deviceManagement/managedDevices/:id/sendCustomNotificationToCompanyPortal`]: {
    summary:
      "Microsoft Graph's device send: notificationTitle and notificationBody, as POST /v1/notifications with a deviceId (RemoteTasks.SendCustomNotifications)",
    body: graphDeviceSendSchema,
    responses: { 204: noContent('Accepted and durable'), 429: failure('A quota is used up (with Retry-After)') },
  },
  [`POST ${version}/deviceManagement/managedDevices/executeAction`]: {
    summary:
      "Microsoft Graph's bulk device action: customTextNotification to up to 100 deviceIds, as POST /v1/notifications with deviceIds (RemoteTasks.SendCustomNotifications); another actionName is 400",
    body: graphExecuteActionSchema,
    responses: {
      200: answer(
        "Graph's bulkManagedDeviceActionResult: which devices were sent to, and why the others were not",
        graphBulkActionResultSchema,
      ),
    },
  },
});

/** The Graph-compatible routes of ./routes.ts, under /beta and /v1.0, as `/openapi.json` describes them. */
export const graphOperations: Operations = { ...sends('/beta'), ...sends('/v1.0') };

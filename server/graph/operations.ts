import { graphDeviceSendSchema, graphGroupSendSchema } from '../../shared/schemas';
import { failure, noContent, type Operations } from '../core/operation';

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
});

/** The Graph-compatible routes of ./routes.ts, under /beta and /v1.0, as `/openapi.json` describes them. */
export const graphOperations: Operations = { ...sends('/beta'), ...sends('/v1.0') };

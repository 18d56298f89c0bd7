import {
  acceptedSchema,
  deliveryListQuery,
  deliveryViewSchema,
  notificationListQuery,
  notificationViewSchema,
  pageOf,
  previewResultSchema,
  previewSchema,
  quotaQuery,
  quotasSchema,
  sendAnswerSchema,
  sendSchema,
} from '../../shared/schemas';
import { answer, failure, type Operations } from '../core/operation';

/** The routes of ./routes.ts, as `/openapi.json` describes them. */
export const notificationOperations: Operations = {
  'POST /v1/notifications': {
    summary:
      'Send a custom notification to up to 25 groups (Organization.Update), to one device or to up to 100 devices at once (RemoteTasks.SendCustomNotifications over each; a bulk send lists the devices it refused), now or at `sendAt` (up to 30 days ahead; the audience is expanded and the permissions checked again when it fires)',
    body: sendSchema,
    responses: {
      202: answer('Accepted and durable: queued with its audience, or scheduled', sendAnswerSchema),
      429: failure('A quota is used up, now or in an hour the scheduled send falls in (with Retry-After)'),
    },
  },
  'POST /v1/notifications/preview': {
    summary: 'The audience a send would have now, without sending or using quota',
    body: previewSchema,
    responses: { 200: answer('The target and its audience', previewResultSchema) },
  },
  'POST /v1/notifications/:id/reminders': {
    summary:
      "Send a notification again, as a new one linked by reminderOf, to its devices that have not acknowledged it (or not opened it, where it asked for no acknowledgement); the original's permission and quota",
    responses: {
      202: answer('Accepted and durable', acceptedSchema),
      404: failure('No such notification in the tenant'),
      409: failure(
        'nothingToRemind: no device left to remind can receive it; textErased: its text is gone; notSent: it is scheduled, canceled, failed or expired',
      ),
      429: failure('A quota is used up (with Retry-After)'),
    },
  },
  'POST /v1/notifications/:id/cancel': {
    summary:
      'Cancel a scheduled send before it fires, freeing its quota slots (its sender, or anyone with the permission the send needed over its target)',
    responses: {
      200: answer('The notification, now canceled', notificationViewSchema),
      404: failure('No such notification in the tenant'),
      409: failure('notScheduled: it already fired, was canceled, failed or expired'),
    },
  },
  'GET /v1/notifications': {
    summary: 'Notifications, newest first, optionally of one status (scheduled, canceled, queued, failed, expired)',
    permission: 'Organization.Read',
    query: notificationListQuery,
    responses: { 200: answer('A page of notifications', pageOf(notificationViewSchema)) },
  },
  'GET /v1/notifications/:id': {
    summary: 'One notification with its delivery counts',
    permission: 'Organization.Read',
    responses: { 200: answer('The notification', notificationViewSchema) },
  },
  'GET /v1/notifications/:id/deliveries': {
    summary: "A notification's deliveries, optionally of one status",
    permission: 'Organization.Read',
    query: deliveryListQuery,
    responses: { 200: answer('A page of deliveries', pageOf(deliveryViewSchema)) },
  },
  'GET /v1/quotas': {
    summary: "The tenant's group-send quota, and one device's with ?deviceId=",
    permission: 'Organization.Read',
    query: quotaQuery,
    responses: { 200: answer('The quotas', quotasSchema) },
  },
};

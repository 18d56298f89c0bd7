import {
  checkedInSchema,
  checkinSchema,
  deviceCredentialSchema,
  deviceEnrolledSchema,
  deviceEnrollSchema,
  inboxItemSchema,
  inboxQuerySchema,
  receiptResultSchema,
  receiptSchema,
} from '../../shared/device';
import { pageOf } from '../../shared/schemas';
import { answer, failure, type Operations } from '../core/operation';

/** The routes of ./routes.ts, as `/openapi.json` describes them. */
export const deviceOperations: Operations = {
  'POST /v1/devices/:id/credentials': {
    summary: "Issue a device's credential (shown once; replaces the previous one)",
    permission: 'ManagedDevices.Update',
    responses: { 201: answer('The secret', deviceCredentialSchema) },
  },
  'POST /v1/device/enroll': {
    summary: "A device app enrols its device with its user's Entra ID access token (no Herald permission needed)",
    body: deviceEnrollSchema,
    responses: {
      201: answer('The device credential (shown once; replaces the previous one)', deviceEnrolledSchema),
      400: failure('notEnrolled: the device is not enrolled in Intune'),
      403: failure("The device's user is not the signed-in user, or the caller signed in with a Herald API token"),
      404: failure('No such device in the tenant'),
    },
  },
  'POST /v1/device/checkin': {
    summary: 'A device reports its push token, app and permission',
    auth: 'device',
    body: checkinSchema,
    responses: { 200: answer('The device as it sees itself', checkedInSchema) },
  },
  'GET /v1/device/notifications': {
    summary: "The calling device's inbox, newest first",
    auth: 'device',
    query: inboxQuerySchema,
    responses: { 200: answer('A page of messages', pageOf(inboxItemSchema)) },
  },
  'POST /v1/device/notifications/:id/receipt': {
    summary: 'Mark a notification delivered, opened or acknowledged on the calling device',
    auth: 'device',
    body: receiptSchema,
    responses: { 200: answer('The delivery state', receiptResultSchema) },
  },
};

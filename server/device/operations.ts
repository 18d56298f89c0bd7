import {
  checkedInSchema,
  checkinSchema,
  deviceCredentialSchema,
  inboxItemSchema,
  inboxQuerySchema,
  receiptResultSchema,
  receiptSchema,
} from '../../shared/device';
import { pageOf } from '../../shared/schemas';
import { answer, type Operations } from '../core/operation';

/** The routes of ./routes.ts, as `/openapi.json` describes them. */
export const deviceOperations: Operations = {
  'POST /v1/devices/:id/credentials': {
    summary: "Issue a device's credential (shown once; replaces the previous one)",
    permission: 'ManagedDevices.Update',
    responses: { 201: answer('The secret', deviceCredentialSchema) },
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

import {
  directoryConnectionSchema,
  directoryConnectionViewSchema,
  directorySyncListQuerySchema,
  directorySyncRequestSchema,
  directorySyncStartedSchema,
  directoryStatusSchema,
  directorySyncViewSchema,
} from '../../../shared/directory-sync';
import { listOf } from '../../../shared/schemas';
import { answer, failure, noContent, type Operations } from '../../core/operation';

/** The routes of ./routes.ts, as `/openapi.json` describes them. */
export const directorySyncOperations: Operations = {
  'PUT /v1/directory/connection': {
    summary:
      'Connect the Microsoft Entra app registration (client secret or certificate, stored encrypted) that directory syncs read Graph with; needs Organization.Update over the whole tenant',
    permission: 'Organization.Update',
    body: directoryConnectionSchema,
    responses: { 200: answer('The connection, never the secret or key', directoryConnectionViewSchema) },
  },
  'GET /v1/directory/connection': {
    summary: 'The directory connection, without its secret or key',
    permission: 'Organization.Read',
    responses: { 200: answer('The connection', directoryConnectionViewSchema) },
  },
  'DELETE /v1/directory/connection': {
    summary: 'Remove the directory connection and stop syncing (the directory stays)',
    permission: 'Organization.Update',
    responses: { 204: noContent('Removed') },
  },
  'POST /v1/directory/sync': {
    summary: 'Start a sync from Microsoft Entra ID and Intune (incremental once delta links are stored; { "full": true } for a full round)',
    optionalBody: true,
    permission: 'Organization.Update',
    body: directorySyncRequestSchema,
    responses: { 202: answer('Started', directorySyncStartedSchema), 409: failure('syncRunning: one runs already') },
  },
  'GET /v1/directory/status': {
    summary: "Where the tenant's directory comes from (Entra ID sync or hand import), its newest sync and its size",
    permission: 'Organization.Read',
    responses: { 200: answer('The status', directoryStatusSchema) },
  },
  'GET /v1/directory/syncs': {
    summary: 'Directory syncs, newest first',
    permission: 'Organization.Read',
    query: directorySyncListQuerySchema,
    responses: { 200: answer('The syncs', listOf(directorySyncViewSchema)) },
  },
  'GET /v1/directory/syncs/:id': {
    summary: 'One directory sync',
    permission: 'Organization.Read',
    responses: { 200: answer('The sync', directorySyncViewSchema) },
  },
};

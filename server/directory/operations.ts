import type { z } from 'zod';
import {
  directoryDeviceViewSchema,
  directoryGroupViewSchema,
  directoryImportSchema,
  directoryListQuerySchema,
  directoryUserViewSchema,
  importCountsSchema,
} from '../../shared/directory';
import type { Permission } from '../../shared/permissions';
import { pageOf } from '../../shared/schemas';
import { answer, noContent, type Operations } from '../core/operation';
import { directorySyncOperations } from './graph/operations';
import type { DirectoryKind } from './queries';

/** `GET /v1/{kind}`, `GET /v1/{kind}/{id}` and `DELETE /v1/{kind}/{id}`, as kindRoutes serves them. */
function kindOperations(
  kind: DirectoryKind,
  item: z.ZodType,
  what: { one: string; many: string; search: string; shows?: string },
  read: Permission,
  update: Permission,
): Operations {
  return {
    [`GET /v1/${kind}`]: {
      summary: `${what.many}, searchable by ${what.search}`,
      permission: read,
      query: directoryListQuerySchema,
      responses: { 200: answer(`A page of ${kind}`, pageOf(item)) },
    },
    [`GET /v1/${kind}/:id`]: {
      summary: `One ${what.one}${what.shows ?? ''}`,
      permission: read,
      responses: { 200: answer(`The ${what.one}`, item) },
    },
    [`DELETE /v1/${kind}/:id`]: { summary: `Delete a ${what.one}`, permission: update, responses: { 204: noContent('Deleted') } },
  };
}

/** The routes of ./routes.ts and ./graph/routes.ts, as `/openapi.json` describes them. */
export const directoryOperations: Operations = {
  'POST /v1/directory/import': {
    summary: 'Upsert users, groups (member lists replaced) and devices in one transaction',
    permission: 'Organization.Update and ManagedDevices.Update',
    body: directoryImportSchema,
    responses: { 200: answer('How many of each were upserted', importCountsSchema) },
  },
  ...directorySyncOperations,
  ...kindOperations(
    'users',
    directoryUserViewSchema,
    { one: 'user', many: 'Users', search: 'name or UPN' },
    'Organization.Read',
    'Organization.Update',
  ),
  ...kindOperations(
    'groups',
    directoryGroupViewSchema,
    { one: 'group', many: 'Groups', search: 'name', shows: ' with its direct member counts' },
    'Organization.Read',
    'Organization.Update',
  ),
  ...kindOperations(
    'devices',
    directoryDeviceViewSchema,
    { one: 'device', many: 'Devices', search: 'name, owner or serial number' },
    'ManagedDevices.Read',
    'ManagedDevices.Update',
  ),
};

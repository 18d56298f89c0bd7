import { tenantSettingsPatchSchema, tenantSettingsViewSchema } from '../../shared/schemas';
import { answer, type Operations } from '../core/operation';

/** The routes of ./routes.ts, as `/openapi.json` describes them. */
export const tenantOperations: Operations = {
  'GET /v1/tenant/settings': {
    summary: "The tenant's settings",
    permission: 'Organization.Read',
    responses: { 200: answer('The settings', tenantSettingsViewSchema) },
  },
  'PATCH /v1/tenant/settings': {
    summary: 'Change tenant settings',
    permission: 'Organization.Update',
    body: tenantSettingsPatchSchema,
    responses: { 200: answer('The settings', tenantSettingsViewSchema) },
  },
};

import { pageOf } from '../../shared/schemas';
import { templateCreateSchema, templateListQuerySchema, templatePatchSchema, templateSchema } from '../../shared/templates';
import { answer, noContent, type Operations } from '../core/operation';

/** The routes of ./routes.ts, as `/openapi.json` describes them. */
export const templateOperations: Operations = {
  'GET /v1/templates': {
    summary: 'Saved messages by name; ?search= finds names containing it',
    permission: 'Organization.Read',
    query: templateListQuerySchema,
    responses: { 200: answer('A page of templates', pageOf(templateSchema)) },
  },
  'GET /v1/templates/:id': {
    summary: 'One template',
    permission: 'Organization.Read',
    responses: { 200: answer('The template', templateSchema) },
  },
  'POST /v1/templates': {
    summary: 'Save a message to send again (Organization.Update over the whole tenant)',
    permission: 'Organization.Update',
    body: templateCreateSchema,
    responses: { 201: answer('The template', templateSchema) },
  },
  'PATCH /v1/templates/:id': {
    summary: 'Change a template (Organization.Update over the whole tenant)',
    permission: 'Organization.Update',
    body: templatePatchSchema,
    responses: { 200: answer('The template', templateSchema) },
  },
  'DELETE /v1/templates/:id': {
    summary: 'Delete a template; notifications sent with it keep their text',
    permission: 'Organization.Update',
    responses: { 204: noContent('Deleted') },
  },
};

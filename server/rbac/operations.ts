import {
  accountCreateSchema,
  accountSchema,
  apiTokenSchema,
  createdTokenSchema,
  meSchema,
  roleAssignmentCreateSchema,
  roleAssignmentSchema,
  roleCreateSchema,
  roleSchema,
  roleUpdateSchema,
  tokenCreateSchema,
} from '../../shared/rbac';
import { listOf } from '../../shared/schemas';
import { answer, noContent, type Operations } from '../core/operation';

/** The routes of ./routes.ts, as `/openapi.json` describes them. */
export const rbacOperations: Operations = {
  'GET /v1/me': { summary: 'The calling account, its tenant, permissions and scopes', responses: { 200: answer('The caller', meSchema) } },
  'GET /v1/roles': {
    summary: 'Built-in and custom roles',
    permission: 'Roles.Read',
    responses: { 200: answer('The roles', listOf(roleSchema)) },
  },
  'GET /v1/roles/:id': { summary: 'One role', permission: 'Roles.Read', responses: { 200: answer('The role', roleSchema) } },
  'POST /v1/roles': {
    summary: 'Create a custom role',
    permission: 'Roles.Update',
    body: roleCreateSchema,
    responses: { 201: answer('The role', roleSchema) },
  },
  'PATCH /v1/roles/:id': {
    summary: 'Change a custom role',
    permission: 'Roles.Update',
    body: roleUpdateSchema,
    responses: { 200: answer('The role', roleSchema) },
  },
  'DELETE /v1/roles/:id': {
    summary: 'Delete a custom role that is not assigned',
    permission: 'Roles.Update',
    responses: { 204: noContent('Deleted') },
  },
  'GET /v1/roleAssignments': {
    summary: 'Role assignments',
    permission: 'Roles.Read',
    responses: { 200: answer('The assignments', listOf(roleAssignmentSchema)) },
  },
  'POST /v1/roleAssignments': {
    summary: 'Assign a role to accounts, over everything or over scope groups',
    permission: 'Roles.Update',
    body: roleAssignmentCreateSchema,
    responses: { 201: answer('The assignment', roleAssignmentSchema) },
  },
  'DELETE /v1/roleAssignments/:id': {
    summary: 'Remove a role assignment',
    permission: 'Roles.Update',
    responses: { 204: noContent('Removed') },
  },
  'GET /v1/accounts': {
    summary: 'Accounts of the tenant',
    permission: 'Roles.Read',
    responses: { 200: answer('The accounts', listOf(accountSchema)) },
  },
  'GET /v1/accounts/:id': { summary: 'One account', permission: 'Roles.Read', responses: { 200: answer('The account', accountSchema) } },
  'POST /v1/accounts': {
    summary: 'Create an account',
    permission: 'Roles.Update',
    body: accountCreateSchema,
    responses: { 201: answer('The account', accountSchema) },
  },
  'GET /v1/accounts/:id/tokens': {
    summary: "An account's API tokens, never their secrets",
    permission: 'Roles.Read',
    responses: { 200: answer('The tokens', listOf(apiTokenSchema)) },
  },
  'POST /v1/accounts/:id/tokens': {
    summary: 'Create an API token (the secret is shown once)',
    permission: 'Roles.Update',
    body: tokenCreateSchema,
    responses: { 201: answer('The token with its secret', createdTokenSchema) },
  },
  'DELETE /v1/tokens/:id': { summary: 'Revoke an API token', permission: 'Roles.Update', responses: { 204: noContent('Revoked') } },
};

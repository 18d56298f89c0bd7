import type { AssignmentScope } from '../../shared/rbac';
import type { Api, ApiResponse, TestHerald } from './herald';

export interface TestAccount {
  id: string;
  email: string;
  token: string;
  tokenId: string;
  api: Api;
}

/** Fails loudly when a set-up call did not answer as expected. */
export function expectStatus<T>(res: ApiResponse<T>, status: number): T {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

let counter = 0;

/**
 * A new account of `by`'s tenant (the first tenant's admin by default) holding each role over its scope
 * (all when omitted), with a token; made through the API as an admin would.
 */
export async function accountWith(
  herald: TestHerald,
  grants: { roleId: string; scope?: AssignmentScope }[],
  by: Api = herald.admin.api,
): Promise<TestAccount> {
  const email = `operator${++counter}@example.test`;
  const account = expectStatus(await by('POST', '/v1/accounts', { email, displayName: `Operator ${counter}` }), 201);
  for (const { roleId, scope = { type: 'all' } } of grants)
    expectStatus(await by('POST', '/v1/roleAssignments', { roleId, accountIds: [account.id], scope }), 201);
  const token = expectStatus(await by('POST', `/v1/accounts/${account.id}/tokens`, { name: 'test' }), 201);
  return { id: account.id, email, token: token.token, tokenId: token.id, api: herald.api(token.token) };
}

/** A custom role with these permissions in `by`'s tenant; returns its id. */
export async function customRole(herald: TestHerald, permissions: string[], by: Api = herald.admin.api): Promise<string> {
  const role = expectStatus(await by('POST', '/v1/roles', { displayName: `Role ${++counter}`, permissions }), 201);
  return role.id;
}

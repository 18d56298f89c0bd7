import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { group, importDirectory } from '../../helpers/directory';
import { startTestHerald, type TestHerald } from '../../helpers/herald';
import { accountWith, expectStatus } from '../../helpers/rbac';

let herald: TestHerald;
const api = () => herald.admin.api;
beforeAll(async () => {
  herald = await startTestHerald();
  await importDirectory(api(), { groups: [group('g1')] });
});
afterAll(() => herald.close());

const controlMessage = /: must not contain control characters; found U\+(0000|007F|0085) at position \d+\.$/;

describe('control characters in role, assignment, account, token, template and sync ids', () => {
  it('refuses them in every path id, naming it, before looking anything up', async () => {
    for (const encoded of ['%00', '%7F', '%C2%85']) {
      const calls: [string, string, unknown?][] = [
        ['GET', `/v1/roles/administrator${encoded}`],
        ['PATCH', `/v1/roles/r${encoded}`, { displayName: 'Renamed' }],
        ['DELETE', `/v1/roles/r${encoded}`],
        ['DELETE', `/v1/roleAssignments/a${encoded}`],
        ['GET', `/v1/accounts/${herald.admin.accountId}${encoded}`],
        ['GET', `/v1/accounts/${herald.admin.accountId}${encoded}/tokens`],
        ['POST', `/v1/accounts/${herald.admin.accountId}${encoded}/tokens`, { name: 'x' }],
        ['DELETE', `/v1/tokens/t${encoded}`],
        ['GET', `/v1/templates/t${encoded}`],
        ['PATCH', `/v1/templates/t${encoded}`, { name: 'Renamed' }],
        ['DELETE', `/v1/templates/t${encoded}`],
        ['GET', `/v1/directory/syncs/s${encoded}`],
      ];
      for (const [method, path, body] of calls) {
        const res = await api()(method, path, body);
        expect(res.status, `${method} ${path}`).toBe(400);
        expect(res.body.error.message, `${method} ${path}`).toMatch(new RegExp(`^id${controlMessage.source}`));
      }
    }
    expect(expectStatus(await api()('GET', '/v1/roles/administrator'), 200).id).toBe('administrator');
  });

  it('refuses them in the role, account and scope group ids of an assignment, naming the field', async () => {
    const operator = await accountWith(herald, []);
    const bodies: [string, unknown][] = [
      ['roleId', { roleId: 'readOnlyOperator\u0000', accountIds: [operator.id], scope: { type: 'all' } }],
      ['accountIds.0', { roleId: 'readOnlyOperator', accountIds: [`${operator.id}\u007f`], scope: { type: 'all' } }],
      ['scope.groupIds.0', { roleId: 'readOnlyOperator', accountIds: [operator.id], scope: { type: 'groups', groupIds: ['g1\u0085'] } }],
    ];
    for (const [field, body] of bodies) {
      const res = await api()('POST', '/v1/roleAssignments', body);
      expect(res.status, field).toBe(400);
      expect(res.body.error.message, field).toMatch(new RegExp(`^${field.replace(/\./g, '\\.')}${controlMessage.source}`));
    }
    expect(expectStatus(await operator.api('GET', '/v1/me'), 200).scopes).toEqual([]);
  });
});

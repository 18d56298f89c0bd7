import type { DirectoryDeviceInput, DirectoryImportInput } from '../../shared/directory';
import type { Api } from './herald';
import { expectStatus } from './rbac';

let tokenSerial = 0;

/** An enrolled iPhone with a fresh APNs token, owned by `userId`; override any field. */
export function phone(id: string, userId: string | null, overrides: Partial<DirectoryDeviceInput> = {}): DirectoryDeviceInput {
  return {
    id,
    name: `${id} phone`,
    platform: 'ios',
    enrolledByUserId: userId,
    managementState: 'enrolled',
    app: 'companyPortal',
    appVersion: '5.0.6000.0',
    push: { service: 'apns', token: (++tokenSerial).toString(16).padStart(64, 'a') },
    ...overrides,
  };
}

export const user = (id: string) => ({ id, upn: `${id}@contoso.example`, displayName: `User ${id}` });

export const group = (id: string, members: { type: 'user' | 'device' | 'group'; id: string }[] = []) => ({
  id,
  displayName: `Group ${id}`,
  members,
});

/** Imports through the HTTP API and fails loudly if the server refuses. */
export async function importDirectory(api: Api, input: DirectoryImportInput) {
  return expectStatus(await api('POST', '/v1/directory/import', input), 200);
}

/** A small directory imported through POST /v1/directory/import: two groups, phones and tablets, and a Mac that cannot receive. */
export const IDS = {
  phone: '6f1c2b1e-8d4a-4c3e-9a57-0b1f2c3d4e5f',
  pixel: '0b9e7c52-3f1a-4d6b-8e2c-5a4f3b2c1d0e',
  ipad: '9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
  mac: '2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d',
  sales: 'e1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8',
  field: 'f0e1d2c3-b4a5-4968-8776-655443322110',
};

const device = (
  id: string,
  name: string,
  platform: string,
  user: string,
  serialNumber: string,
  push: { service: string; token: string } | null,
) => ({
  id,
  name,
  platform,
  enrolledByUserId: user,
  managementState: 'enrolled',
  app: 'companyPortal',
  appVersion: '5.0.6000.0',
  push,
  notificationsPermitted: true,
  serialNumber,
});

export const directory = {
  users: [
    { id: 'u-ana', upn: 'ana@contoso.example', displayName: 'Ana Lima' },
    { id: 'u-ben', upn: 'ben@contoso.example', displayName: 'Ben Okafor' },
    { id: 'u-cleo', upn: 'cleo@contoso.example', displayName: 'Cleo Park' },
  ],
  devices: [
    device(IDS.phone, 'iPhone of Ana', 'ios', 'u-ana', 'F2LXK0ABC', { service: 'apns', token: 'a'.repeat(64) }),
    device(IDS.pixel, 'Pixel of Ben', 'android', 'u-ben', 'PX7-1234', { service: 'fcm', token: 'fcm-token-ben' }),
    device(IDS.ipad, 'iPad of Cleo', 'ipados', 'u-cleo', 'DMPX99Q', { service: 'apns', token: 'b'.repeat(64) }),
    device(IDS.mac, 'MacBook of Ana', 'macos', 'u-ana', 'C02ZK1', null),
  ],
  groups: [
    {
      id: IDS.sales,
      displayName: 'Sales',
      members: [
        { type: 'user', id: 'u-ana' },
        { type: 'user', id: 'u-ben' },
      ],
    },
    { id: IDS.field, displayName: 'Field staff', members: [{ type: 'user', id: 'u-cleo' }] },
  ],
};

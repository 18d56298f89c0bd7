import { describe, expect, it, vi } from 'vitest';
import type { Accepted } from '../../../extension/utils/api-types';
import type { FakeRequest } from '../fake-herald';
import { renderPopup } from '../render';

const GUID = '0f6c2a8e-3b1d-4c5e-9a7f-2d4e6b8c0a1f';
const accepted: Accepted = {
  id: 'n-1',
  status: 'queued',
  target: { type: 'groups', groupIds: ['g1'] },
  audience: { users: 3, devices: 3, skipped: { notificationsNotPermitted: 1 } },
};
const counts = { queued: 0, sent: 1, delivered: 0, opened: 0, failed: 2, skipped: 1, expired: 0 };
const reasons = { failed: { malformedToken: 2 }, skipped: { notificationsNotPermitted: 1 } };
const item = (id: string, over: object = {}) => ({
  id,
  status: 'queued',
  createdAt: '2030-01-01T10:00:00.000Z',
  sender: { accountId: 'a1', email: 'admin@contoso.example' },
  target: accepted.target,
  title: `Title ${id}`,
  audience: accepted.audience,
  counts,
  reasons,
  ...over,
});
const deliveries: Record<string, object[]> = {
  failed: [
    { deviceId: GUID, deviceName: 'Ann’s iPhone', status: 'failed', reason: 'malformedToken' },
    { deviceId: 'old-7', deviceName: null, status: 'failed', reason: 'malformedToken' },
  ],
  skipped: [{ deviceId: 'quiet-1', deviceName: 'Bob’s Pixel', status: 'skipped', reason: 'notificationsNotPermitted' }],
};
const asked: string[] = [];
const routes = {
  'GET /v1/notifications/n-1': () => ({ body: item('n-1') }),
  'GET /v1/notifications/n-1/deliveries': (req: FakeRequest) => {
    asked.push(req.query.toString());
    return { body: { items: deliveries[req.query.get('status') ?? ''] ?? [], nextCursor: null } };
  },
  'GET /v1/notifications': () => ({
    body: { items: [item('n-1'), item('n-2', { counts: { ...counts, failed: 0, skipped: 0 }, reasons: {} })], nextCursor: null },
  }),
};
const lines = (root: Element) => [...root.querySelectorAll('[data-testid="delivery-reasons"] li')].map((li) => li.textContent);

describe('why deliveries failed or were skipped', () => {
  it('the sent view says it in words with counts under the funnel', async () => {
    const ui = await renderPopup(routes);
    ui.state.sent.value = accepted;
    ui.state.view.value = 'sent';
    await vi.waitFor(() =>
      expect(lines(ui.root)).toEqual([
        '2 failed: the device token is malformed, so no push service would take it',
        '1 skipped: notifications turned off on the device',
      ]),
    );
    expect(ui.root.querySelector('[data-testid="sent-counts"] .funnel + [data-testid="delivery-reasons"]')).not.toBeNull();
  });

  it('lists the devices behind the reasons on request, by name, an Intune device linked to Intune', async () => {
    const ui = await renderPopup(routes);
    ui.state.sent.value = accepted;
    ui.state.view.value = 'sent';
    await vi.waitFor(() => expect(lines(ui.root)).toHaveLength(2));
    const show = ui.button('Show these devices');
    expect(show.getAttribute('aria-expanded')).toBe('false');
    show.click();
    await vi.waitFor(() => expect(ui.root.querySelectorAll('.reason-devices li')).toHaveLength(3));
    expect([...ui.root.querySelectorAll('.reason-devices li')].map((li) => li.textContent)).toEqual([
      'Ann’s iPhone — failed: the device token is malformed, so no push service would take it',
      'old-7 (no longer in the directory) — failed: the device token is malformed, so no push service would take it',
      'Bob’s Pixel — skipped: notifications turned off on the device',
    ]);
    expect(ui.root.querySelector('.reason-devices a')?.getAttribute('href')).toBe(
      `https://intune.microsoft.com/#view/Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/overview/mdmDeviceId/${GUID}`,
    );
    expect(asked).toContain('status=failed&limit=50');
    expect(ui.button('Hide these devices').getAttribute('aria-expanded')).toBe('true');
  });

  it('history says it for each notification that has reasons, and nothing for one without', async () => {
    const ui = await renderPopup(routes);
    ui.button('History').click();
    await vi.waitFor(() => expect(ui.root.querySelectorAll('[data-testid="history-item"]')).toHaveLength(2));
    const [first, second] = [...ui.root.querySelectorAll('[data-testid="history-item"]')];
    expect(lines(first!)).toEqual([
      '2 failed: the device token is malformed, so no push service would take it',
      '1 skipped: notifications turned off on the device',
    ]);
    expect(second!.querySelector('[data-testid="delivery-reasons"]')).toBeNull();
  });

  it('quotes a reason the extension does not know', async () => {
    const ui = await renderPopup({
      ...routes,
      'GET /v1/notifications/n-1': () => ({ body: item('n-1', { reasons: { failed: { BrandNewCode: 1 } } }) }),
    });
    ui.state.sent.value = accepted;
    ui.state.view.value = 'sent';
    await vi.waitFor(() => expect(lines(ui.root)).toEqual(['1 failed: the push service answered “BrandNewCode”']));
  });
});

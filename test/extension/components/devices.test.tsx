import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { sendNotification } from '../../../extension/background/send';
import { chipState } from '../../../extension/components/device-chips';
import type { Quotas } from '../../../extension/utils/api-types';
import { HeraldError } from '../../../extension/utils/api';
import { messageListener } from '../../../extension/utils/messages';
import { refusalsItem, serverUrlItem, tokenItem } from '../../../extension/utils/storage';
import { device, fakeFetch, type FakeRequest, noneSkipped, notification } from '../fake-herald';
import { renderPopup } from '../render';

const phone = device();
const pixel = device({ id: 'pixel-1', name: 'Pixel of Ben', platform: 'android' });
const ipad = device({ id: 'ipad-1', name: 'iPad of Cleo', platform: 'ipados' });
const mac = device({ id: 'mac-1', name: 'MacBook of Ana', platform: 'macos' });
const gone = device({ id: 'old-1', name: 'Old Pixel', platform: 'android', managementState: 'unenrolled' });
const all = [phone, pixel, ipad, mac, gone];

const quotas = (used: number): Quotas => ({
  groupSends: { limit: 25, used: 0, resetsAt: null, available: 25, scheduled: 0 },
  deviceSends: { limitPerDevice: 10 },
  device: { used, resetsAt: used ? '2030-01-01T14:05:00.000Z' : null, available: 10 - used, scheduled: 0 },
});

/** Herald as a Help Desk Operator sees it: the iPad is outside the scope, the Pixel has used its hour. */
const routes = {
  'GET /v1/devices': (req: FakeRequest) => ({
    body: { items: all.filter((d) => d.name.toLowerCase().includes(req.query.get('search')!.toLowerCase())), nextCursor: null },
  }),
  'GET /v1/quotas': (req: FakeRequest) => ({ body: quotas(req.query.get('deviceId') === pixel.id ? 10 : 3) }),
  'POST /v1/notifications/preview': (req: FakeRequest) => {
    const ids: string[] = req.body.deviceIds;
    const refused = ids
      .filter((id) => id === ipad.id || id === mac.id)
      .map((deviceId) =>
        deviceId === ipad.id
          ? { deviceId, code: 'forbidden', message: 'Missing permission RemoteTasks.SendCustomNotifications over this device.' }
          : { deviceId, code: 'unsupportedPlatform', message: 'macOS devices cannot receive custom notifications.' },
      );
    if (refused.length === ids.length)
      return { status: 403, body: { error: { code: refused[0]!.code, message: refused[0]!.message, details: refused } } };
    return {
      body: { target: { type: 'devices', deviceIds: ids }, audience: { users: 1, devices: 1, skipped: {} }, languages: [], refused },
    };
  },
};

async function devicesMode(ui: Awaited<ReturnType<typeof renderPopup>>) {
  const radio = ui.byLabel('Devices');
  radio.checked = true;
  radio.dispatchEvent(new Event('change', { bubbles: true }));
  await vi.waitFor(() => expect(ui.root.querySelector('#devices-search')).not.toBeNull());
}

const chips = (root: HTMLElement) =>
  [...root.querySelectorAll<HTMLElement>('[data-testid="device-chip"]')].map((c) => ({
    text: c.querySelector('span')?.textContent,
    problem: c.querySelector('.chip-problem')?.textContent ?? null,
    title: c.title,
  }));

describe('chip state', () => {
  it('marks a device a send would refuse, first by platform and enrolment, then by the preview, then by its quota', () => {
    expect(chipState(mac, undefined, quotas(0))).toMatchObject({ refusal: 'unsupportedPlatform' });
    expect(chipState(gone, undefined, quotas(0))).toEqual({
      refusal: 'notEnrolled',
      problem: 'not enrolled',
      quota: 'Sends left to this device this hour: 10 of 10.',
    });
    expect(chipState(phone, { deviceId: phone.id, code: 'forbidden', message: 'x' }, quotas(0))).toMatchObject({
      refusal: 'forbidden',
      problem: 'outside your scope',
    });
    expect(chipState(phone, undefined, quotas(10))).toMatchObject({ refusal: 'quotaExceeded', problem: 'reached its hourly quota' });
    expect(chipState(phone, undefined, quotas(9))).toMatchObject({ refusal: null, problem: null });
    expect(chipState(phone, undefined, undefined)).toEqual({ refusal: null, problem: null, quota: 'Checking this device’s quota…' });
  });

  it('words an unknown refusal code as the server did', () => {
    expect(chipState(phone, { deviceId: phone.id, code: 'somethingNew', message: 'New reason.' }, undefined).problem).toBe('New reason.');
  });
});

describe('sending to several devices', () => {
  it('shows chips with N/100, marks each device that cannot receive, and shows its quota on hover', async () => {
    const ui = await renderPopup(routes);
    await devicesMode(ui);
    for (const name of ['iPhone', 'Pixel', 'iPad', 'MacBook']) {
      ui.type(ui.root.querySelector<HTMLInputElement>('#devices-search')!, name.toLowerCase());
      await vi.waitFor(() => expect(ui.root.querySelector('#devices-search-list:not([hidden]) li')?.textContent).toContain(name));
      ui.key(ui.root.querySelector('#devices-search')!, 'Enter');
    }
    await vi.waitFor(() => expect(ui.root.querySelector('.chips-head .counter')?.textContent).toBe('4/100'));
    expect(ui.text('announcer')).toBe('Added device MacBook of Ana. 4 of 100 devices.');
    await vi.waitFor(() =>
      expect(chips(ui.root)).toEqual([
        {
          text: 'iPhone of Ana',
          problem: null,
          title: expect.stringMatching(/^Sends left to this device this hour: 7 of 10\. Next one frees at /),
        },
        {
          text: 'Pixel of Ben',
          problem: 'cannot receive: reached its hourly quota',
          title: expect.stringMatching(/^Cannot receive: reached its hourly quota\. Sends left to this device this hour: 0 of 10\./),
        },
        {
          text: 'iPad of Cleo',
          problem: 'cannot receive: outside your scope',
          title: expect.stringMatching(/^Cannot receive: outside your scope\. /),
        },
        {
          text: 'MacBook of Ana',
          problem: 'cannot receive: cannot receive custom notifications (only iOS, iPadOS and Android can)',
          title: expect.any(String),
        },
      ]),
    );
    expect(ui.text('devices-unable')).toBe('3 of 4 will not be sent to; the others will.');
    expect(ui.state.input.value).toMatchObject({ deviceIds: [phone.id, pixel.id, ipad.id, mac.id] });

    ui.button('Remove device iPhone of Ana').click();
    ui.type(ui.byLabel('Title'), 'Hi');
    ui.type(ui.byLabel<HTMLTextAreaElement>('Body'), 'There');
    await vi.waitFor(() =>
      expect(ui.root.querySelector('#blocker')?.textContent).toBe('None of the chosen devices can receive this notification now.'),
    );
    expect(ui.button('Review').disabled).toBe(true);
  });

  it('marks every chip from the error details when the preview refuses all of them', async () => {
    const ui = await renderPopup(routes);
    ui.state.draft.mode.value = 'devices';
    ui.state.draft.devices.value = [ipad, mac];
    await vi.waitFor(() =>
      expect(chips(ui.root).map((c) => c.problem)).toEqual([
        'cannot receive: outside your scope',
        'cannot receive: cannot receive custom notifications (only iOS, iPadOS and Android can)',
      ]),
    );
  });

  it('names every device and its reason when the server refuses them all', async () => {
    const refused = [
      { deviceId: ipad.id, code: 'forbidden', message: 'Missing permission RemoteTasks.SendCustomNotifications over this device.' },
      { deviceId: pixel.id, code: 'quotaExceeded', message: 'This device has had 10 sends in the last hour.' },
    ];
    fakeBrowser.runtime.onMessage.addListener(
      messageListener({
        send: async () => {
          throw new HeraldError(403, 'forbidden', refused[0]!.message, null, refused);
        },
        openComposer: vi.fn(),
        deviceIdForUrl: vi.fn(),
      }),
    );
    // The preview still let them through (the quota was used up meanwhile, the scope changed): the send refuses them.
    const ui = await renderPopup({
      ...routes,
      'GET /v1/quotas': () => ({ body: quotas(0) }),
      'POST /v1/notifications/preview': () => ({
        body: { target: { type: 'devices', deviceIds: [] }, audience: noneSkipped, languages: [] },
      }),
    });
    ui.state.draft.mode.value = 'devices';
    ui.state.draft.devices.value = [ipad, pixel];
    ui.type(ui.byLabel('Title'), 'Hi');
    ui.type(ui.byLabel<HTMLTextAreaElement>('Body'), 'There');
    await vi.waitFor(() => expect(ui.button('Review').disabled).toBe(false));
    ui.button('Review').click();
    await vi.waitFor(() => expect(ui.button('Send').disabled).toBe(false));
    ui.button('Send').click();
    await vi.waitFor(() =>
      expect(ui.text('send-problem')).toBe(
        'No device could be sent to. iPad of Cleo: outside your scope; Pixel of Ben: reached its hourly quota.',
      ),
    );
  });

  it('reviews, sends deviceIds, and lists the refused devices by name with the reason in words, also in History', async () => {
    const sent: FakeRequest[] = [];
    const server = {
      ...routes,
      'POST /v1/notifications': (req: FakeRequest) => {
        sent.push(req);
        return {
          status: 202,
          body: {
            id: 'n-bulk',
            status: 'queued',
            target: { type: 'devices', deviceIds: [phone.id] },
            audience: { users: 1, devices: 1, skipped: {} },
            refused: [
              { deviceId: ipad.id, code: 'forbidden', message: 'Missing permission RemoteTasks.SendCustomNotifications over this device.' },
            ],
          },
        };
      },
      'GET /v1/notifications/n-bulk': () => ({ status: 404, body: { error: { code: 'notFound', message: 'later' } } }),
      'GET /v1/notifications': () => ({
        body: {
          items: [
            notification('n-bulk', {
              target: { type: 'devices', deviceIds: [phone.id] },
              audience: { users: 1, devices: 1, skipped: {} },
            }),
          ],
          nextCursor: null,
        },
      }),
    };
    vi.stubGlobal('fetch', fakeFetch(server));
    await serverUrlItem.setValue('http://127.0.0.1:8787');
    await tokenItem.setValue('hrld_test');
    fakeBrowser.runtime.onMessage.addListener(
      messageListener({ send: ({ input }) => sendNotification(input), openComposer: vi.fn(), deviceIdForUrl: vi.fn() }),
    );
    vi.spyOn(fakeBrowser.notifications, 'create').mockResolvedValue('');
    const ui = await renderPopup(server);
    ui.state.draft.mode.value = 'devices';
    ui.state.draft.devices.value = [phone, ipad];
    ui.type(ui.byLabel('Title'), 'Hi');
    ui.type(ui.byLabel<HTMLTextAreaElement>('Body'), 'There');
    await vi.waitFor(() => expect(ui.button('Review').disabled).toBe(false));
    ui.button('Review').click();
    await vi.waitFor(() => expect(ui.text('review-devices')).toBe('iPhone of Ana, iPad of Cleo'));
    ui.button('Send').click();
    await vi.waitFor(() => expect(ui.text('refused-devices')).toBe('Not sent to 1 device:iPad of Cleo: outside your scope'));
    expect(sent[0]?.body).toEqual({ title: 'Hi', body: 'There', deviceIds: [phone.id, ipad.id] });
    expect(await refusalsItem.getValue()).toEqual({
      'n-bulk': [{ deviceId: ipad.id, name: 'iPad of Cleo', code: 'forbidden', message: expect.any(String) }],
    });

    ui.button('History').click();
    await vi.waitFor(() => expect(ui.text('refused-devices')).toBe('Not sent to 1 device:iPad of Cleo: outside your scope'));
  });
});

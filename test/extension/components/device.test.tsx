import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { HeraldError } from '../../../extension/utils/api';
import { messageListener } from '../../../extension/utils/messages';
import { device, type FakeRequest } from '../fake-herald';
import { renderPopup } from '../render';

const phone = device();
const mac = device({ id: 'mac-1', name: 'MacBook of Ana', platform: 'macos' });
const gone = device({ id: 'old-1', name: 'Old Pixel', platform: 'android', managementState: 'unenrolled' });
const routes = {
  'GET /v1/devices': (req: FakeRequest) => ({
    body: {
      items: [phone, mac, gone].filter((d) => d.name.toLowerCase().includes(req.query.get('search')!.toLowerCase())),
      nextCursor: null,
    },
  }),
  'GET /v1/quotas': (req: FakeRequest) => ({
    body: {
      groupSends: { limit: 25, used: 0, resetsAt: null, available: 25, scheduled: 0 },
      deviceSends: { limitPerDevice: 10 },
      device: (() => {
        const used = req.query.get('deviceId') === phone.id ? 10 : 2;
        return { used, resetsAt: '2030-01-01T14:05:00.000Z', available: 10 - used, scheduled: 0 };
      })(),
    },
  }),
};

const withDevice = (ui: Awaited<ReturnType<typeof renderPopup>>) => ({
  ...ui,
  device: () => ui.root.querySelector<HTMLInputElement>('#device-search')!,
});

async function deviceMode(ui: Awaited<ReturnType<typeof renderPopup>>) {
  const radio = ui.byLabel('Device');
  expect(radio.type).toBe('radio');
  radio.checked = true;
  radio.dispatchEvent(new Event('change', { bubbles: true }));
  await vi.waitFor(() => expect(ui.root.querySelector('#device-search')).not.toBeNull());
}

describe('sending to a device', () => {
  it('searches by name and shows platform, owner and serial', async () => {
    const ui = withDevice(await renderPopup(routes));
    await deviceMode(ui);
    ui.type(ui.device(), 'iphone');
    await vi.waitFor(() => expect(ui.root.querySelectorAll('#device-search-list li')).toHaveLength(1));
    expect(ui.root.querySelector('#device-search-list li')?.textContent).toBe(
      'iPhone of Ana · iOS · Ana Lima (ana@contoso.example) · F2LXK0ABC',
    );
    ui.key(ui.device(), 'Enter');
    await vi.waitFor(() => expect(ui.text('chosen-device')).toContain('iPhone of Ana'));
    expect(ui.text('announcer')).toBe('Chose device iPhone of Ana. It can receive notifications.');
  });

  it('shows macOS/Windows and unenrolled devices as unable to receive, and Send stays disabled', async () => {
    const ui = withDevice(await renderPopup(routes));
    await deviceMode(ui);
    ui.type(ui.byLabel('Title'), 'Hi');
    ui.type(ui.byLabel<HTMLTextAreaElement>('Body'), 'There');
    ui.type(ui.device(), 'of ana');
    await vi.waitFor(() => expect(ui.root.querySelectorAll('#device-search-list li .unable')).toHaveLength(1));
    ui.key(ui.device(), 'ArrowDown');
    ui.key(ui.device(), 'Enter');
    await vi.waitFor(() => expect(ui.text('chosen-device')).toContain('macOS devices cannot receive custom notifications.'));
    expect(ui.button('Send').disabled).toBe(true);

    ui.state.draft.device.value = gone;
    await vi.waitFor(() => expect(ui.text('chosen-device')).toContain('This device is not enrolled'));
    expect(ui.button('Send').disabled).toBe(true);
  });

  it('shows the sends left to this device before sending, and sends straight from Send', async () => {
    const ui = await renderPopup(routes);
    ui.state.draft.mode.value = 'device';
    ui.state.draft.device.value = mac;
    ui.state.draft.device.value = { ...phone, id: 'other' };
    await vi.waitFor(() => expect(ui.text('quota')).toMatch(/^Sends left to this device this hour: 8 of 10\. Next one frees at /));
    ui.state.draft.device.value = phone;
    await vi.waitFor(() => expect(ui.text('quota')).toMatch(/^Sends left to this device this hour: 0 of 10/));
    expect(ui.root.querySelector('.quota.exhausted')).not.toBeNull();

    fakeBrowser.runtime.onMessage.addListener(
      messageListener({
        send: async () => {
          throw new HeraldError(403, 'forbidden', 'Missing permission RemoteTasks.SendCustomNotifications over this device.');
        },
        openComposer: vi.fn(),
        deviceIdForUrl: vi.fn(),
      }),
    );
    ui.type(ui.byLabel('Title'), 'Restart');
    ui.type(ui.byLabel<HTMLTextAreaElement>('Body'), 'Please restart your phone.');
    await vi.waitFor(() => expect(ui.button('Send').disabled).toBe(false));
    ui.button('Send').click();
    await vi.waitFor(() =>
      expect(ui.text('send-problem')).toBe('Not allowed: Missing permission RemoteTasks.SendCustomNotifications over this device.'),
    );
  });

  it('chooses the only match of a name handed over by the right-click menu', async () => {
    const ui = await renderPopup(routes, { deviceSearch: 'Old Pixel' });
    await deviceMode(ui);
    await vi.waitFor(() => expect(ui.state.draft.device.value?.id).toBe('old-1'));
  });
});

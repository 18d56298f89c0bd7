import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { messageListener } from '../../../extension/utils/messages';
import { consoleRulesItem } from '../../../extension/utils/storage';
import { device, group, settle, type FakeRequest } from '../fake-herald';
import { renderOptions, renderPopup } from '../render';

const accepted = {
  id: 'n-1',
  status: 'queued',
  target: { type: 'device', deviceId: device().id },
  audience: { users: 1, devices: 1, skipped: {} },
} as const;
const counts = { queued: 0, sent: 1, delivered: 0, opened: 0, failed: 0, skipped: 0, expired: 0 };
const item = {
  id: 'n-1',
  status: 'queued',
  createdAt: '2030-01-01T10:00:00.000Z',
  sender: { accountId: 'a1', email: 'admin@contoso.example' },
  target: accepted.target,
  title: 'Restart',
  audience: accepted.audience,
  counts,
};
const routes = {
  'GET /v1/devices': (_req: FakeRequest) => ({ body: { items: [device()], nextCursor: null } }),
  'POST /v1/notifications/preview': () => ({
    body: { target: { type: 'groups', groupIds: ['g1'] }, audience: { users: 2, devices: 2, skipped: {} } },
  }),
  'GET /v1/notifications': () => ({ body: { items: [item], nextCursor: null } }),
  'GET /v1/notifications/n-1': () => ({ body: { ...item, titleLength: 7, bodyLength: 15, body: 'Please restart.' } }),
};

/**
 * Enter as a browser handles it (happy-dom dispatches the key and nothing more): unless the keydown's default is
 * prevented, it activates a button, and in a one-line field it submits the form (implicit submission).
 */
function pressEnter(target: HTMLElement) {
  const event = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true });
  target.dispatchEvent(event);
  if (event.defaultPrevented) return;
  if (target instanceof HTMLButtonElement) target.click();
  else if (target instanceof HTMLInputElement) target.form?.requestSubmit();
}

/** A control's accessible name as its markup gives it: aria-labelledby, aria-label, its label, or (buttons, links) its text. */
function accessibleName(control: HTMLElement): string {
  const byIds = control
    .getAttribute('aria-labelledby')
    ?.split(/\s+/)
    .map((id) => control.ownerDocument.getElementById(id)?.textContent ?? '')
    .join(' ');
  const label = control.id ? control.ownerDocument.querySelector(`label[for="${control.id}"]`) : null;
  const text = control instanceof HTMLButtonElement || control instanceof HTMLAnchorElement ? control.textContent : '';
  return (
    [byIds, control.getAttribute('aria-label'), label?.textContent, control.closest('label')?.textContent, text]
      .find((name) => name?.trim())
      ?.trim() ?? ''
  );
}

/** Every control in a view has an accessible name (and the view has controls to check). */
function expectNamedControls(root: HTMLElement, view: string) {
  const controls = [...root.querySelectorAll<HTMLElement>('input, textarea, select, button, a[href], [role="combobox"], [role="listbox"]')];
  expect(controls.length, view).toBeGreaterThan(0);
  for (const control of controls) expect(accessibleName(control), `${view}: ${control.outerHTML}`).not.toBe('');
}

describe('keyboard use', () => {
  it('Enter in the title or the device search never sends: on the Send button it does', async () => {
    const send = vi.fn(async () => accepted);
    fakeBrowser.runtime.onMessage.addListener(messageListener({ send, openComposer: vi.fn(), deviceIdForUrl: vi.fn() }));
    const ui = await renderPopup(routes);
    ui.state.draft.mode.value = 'device';
    ui.state.draft.device.value = device();
    ui.type(ui.byLabel('Title'), 'Restart');
    ui.type(ui.byLabel<HTMLTextAreaElement>('Body'), 'Please restart.');
    await vi.waitFor(() => expect(ui.button('Send').disabled).toBe(false));

    pressEnter(ui.byLabel('Title'));
    pressEnter(ui.root.querySelector<HTMLInputElement>('#device-search')!);
    await settle();
    expect(send).not.toHaveBeenCalled();

    pressEnter(ui.button('Send'));
    await vi.waitFor(() => expect(send).toHaveBeenCalledTimes(1));
    expect(send.mock.calls[0]).toEqual([
      { input: { title: 'Restart', body: 'Please restart.', deviceId: device().id } },
      expect.anything(),
    ]);
  });
});

describe('accessible names', () => {
  it('every control of the composer has one, for groups and for a device', async () => {
    const ui = await renderPopup(routes);
    ui.state.draft.groups.value = [group('g1', 'Sales')];
    await settle();
    expectNamedControls(ui.root, 'compose, groups');
    ui.state.draft.mode.value = 'device';
    ui.state.draft.device.value = device();
    await settle();
    expectNamedControls(ui.root, 'compose, device');
  });

  it('every control of Review, Sent and History has one', async () => {
    const ui = await renderPopup(routes);
    ui.type(ui.byLabel('Title'), 'Restart');
    ui.type(ui.byLabel<HTMLTextAreaElement>('Body'), 'Please restart.');
    ui.state.draft.groups.value = [group('g1', 'Sales')];
    ui.state.view.value = 'review';
    await vi.waitFor(() => expect(ui.text('reach')).toMatch(/^Reaches/));
    expectNamedControls(ui.root, 'review');

    ui.state.sent.value = accepted;
    ui.state.view.value = 'sent';
    await vi.waitFor(() => expect(ui.root.querySelector('[data-testid="sent-counts"]')?.getAttribute('data-settled')).toBe('true'));
    expectNamedControls(ui.root, 'sent');

    ui.button('History').click();
    await vi.waitFor(() => expect(ui.root.querySelectorAll('[data-testid="history-item"]')).toHaveLength(1));
    expectNamedControls(ui.root, 'history');
  });

  it('every control of Options has one, with a console rule listed', async () => {
    await consoleRulesItem.setValue([{ id: 'r', pattern: 'https://mdm.example.com/*', regex: 'device=(\\w+)' }]);
    const ui = await renderOptions();
    await vi.waitFor(() => expect(ui.root.querySelectorAll('.rules li')).toHaveLength(1));
    expectNamedControls(ui.root, 'options');
  });
});

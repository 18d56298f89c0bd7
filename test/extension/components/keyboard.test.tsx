import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { messageListener } from '../../../extension/utils/messages';
import { device, type FakeRequest } from '../fake-herald';
import { renderPopup } from '../render';

const routes = { 'GET /v1/devices': (_req: FakeRequest) => ({ body: { items: [device()], nextCursor: null } }) };

const enter = (target: HTMLElement) => {
  const event = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true });
  target.dispatchEvent(event);
  return event.defaultPrevented;
};

describe('keyboard use', () => {
  it('Enter in the title or the device search never sends: only the Send button does', async () => {
    const send = vi.fn();
    fakeBrowser.runtime.onMessage.addListener(messageListener({ send, openComposer: vi.fn(), deviceIdForUrl: vi.fn() }));
    const ui = await renderPopup(routes);
    ui.state.draft.mode.value = 'device';
    ui.state.draft.device.value = device();
    ui.type(ui.byLabel('Title'), 'Restart');
    ui.type(ui.byLabel<HTMLTextAreaElement>('Body'), 'Please restart.');
    await vi.waitFor(() => expect(ui.button('Send').disabled).toBe(false));
    expect(enter(ui.byLabel('Title'))).toBe(true);
    expect(enter(ui.root.querySelector<HTMLInputElement>('#device-search')!)).toBe(true);
    expect(enter(ui.button('Send'))).toBe(false);
    expect(send).not.toHaveBeenCalled();
  });

  it('every control in the composer has an accessible name', async () => {
    const ui = await renderPopup({});
    for (const control of ui.root.querySelectorAll<HTMLElement>('input, textarea, button, [role="combobox"]')) {
      const labelled = control.id && ui.root.querySelector(`label[for="${control.id}"]`);
      const wrapped = control.closest('label');
      const name = control.getAttribute('aria-label') ?? (labelled || wrapped ? 'label' : control.textContent?.trim());
      expect(name, control.outerHTML).toBeTruthy();
    }
  });
});

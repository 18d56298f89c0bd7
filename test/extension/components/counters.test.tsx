import { describe, expect, it } from 'vitest';
import { BODY_MAX, checkText, TITLE_MAX } from '../../../shared/text';
import { device, settle } from '../fake-herald';
import { renderPopup } from '../render';

const routes = { 'GET /v1/quotas': () => ({ body: { groupSends: { limit: 25, used: 0, resetsAt: null }, deviceSends: { limitPerDevice: 10 }, device: { used: 0, resetsAt: null } } }) };

describe('the title and body counters', () => {
  it('update synchronously on each input, before any re-render', async () => {
    const { byLabel, type, root } = await renderPopup(routes);
    type(byLabel('Title'), 'Hello');
    expect(root.querySelector('#field-title-counter')?.textContent).toBe(`5/${TITLE_MAX}`);
    type(byLabel<HTMLTextAreaElement>('Body'), 'x'.repeat(BODY_MAX + 1));
    expect(root.querySelector('#field-body-counter')?.textContent).toBe(`501/${BODY_MAX}`);
  });

  it('count emoji and combining marks as one character, exactly as the server does', async () => {
    const { byLabel, type, root } = await renderPopup(routes);
    const title = '👩🏽‍💻 Cafe\u0301 🇧🇷 ';
    type(byLabel('Title'), title);
    expect(root.querySelector('#field-title-counter')?.textContent).toBe(`${checkText('title', title).count}/50`);
    expect(checkText('title', title).count).toBe(8);
  });

  it('turn the field to an error with a message over the limit, and Send is disabled until it fits', async () => {
    const { byLabel, type, button, root, state } = await renderPopup(routes);
    state.draft.mode.value = 'device';
    state.draft.device.value = device();
    type(byLabel<HTMLTextAreaElement>('Body'), 'Please restart your phone.');
    type(byLabel('Title'), 'T'.repeat(51));
    const field = root.querySelector('#field-title')!;
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(field.closest('.field')?.classList.contains('error')).toBe(true);
    expect(root.querySelector('#field-title-problem')?.textContent).toBe('title is 51 characters; the limit is 50.');
    await settle();
    expect(button('Send').disabled).toBe(true);

    type(byLabel('Title'), 'T'.repeat(50));
    expect(field.getAttribute('aria-invalid')).toBe('false');
    expect(root.querySelector('#field-title-problem')?.textContent).toBe('');
    await settle();
    expect(button('Send').disabled).toBe(false);
  });

  it('keep Send disabled for an empty message without calling it an error', async () => {
    const { button, root, state, text } = await renderPopup(routes);
    state.draft.mode.value = 'device';
    state.draft.device.value = device();
    await settle();
    expect(button('Send').disabled).toBe(true);
    expect(root.querySelector('.field.error')).toBeNull();
    expect(root.querySelector('#blocker')?.textContent).toBe('Add a title.');
    expect(text('quota')).toBe('Sends left to this device this hour: 10 of 10.');
  });
});

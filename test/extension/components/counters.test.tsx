import { describe, expect, it } from 'vitest';
import { PUSH_PAYLOAD_MAX_BYTES } from '../../../shared/push-payload';
import { BODY_MAX, checkText, TITLE_MAX } from '../../../shared/text';
import { device, settle } from '../fake-herald';
import { renderPopup } from '../render';

const routes = {
  'GET /v1/quotas': () => ({
    body: {
      groupSends: { limit: 25, used: 0, resetsAt: null, available: 25, scheduled: 0 },
      deviceSends: { limitPerDevice: 10 },
      device: { used: 0, resetsAt: null, available: 10, scheduled: 0 },
    },
  }),
};

/** The popup composing to one device. */
async function popupToDevice() {
  const popup = await renderPopup(routes);
  popup.state.draft.mode.value = 'device';
  popup.state.draft.device.value = device();
  return popup;
}

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

  it('stay fast on a pasted megabyte of accents, counting no further than the limit and naming it too large', async () => {
    const { byLabel, type, button, root } = await popupToDevice();
    type(byLabel('Title'), 'Hello');
    const start = performance.now();
    type(byLabel<HTMLTextAreaElement>('Body'), `a${'\u0301\u0316'.repeat(450_000)}`);
    // the old counter took minutes on this, on every keystroke
    expect(performance.now() - start).toBeLessThan(1000);
    expect(root.querySelector('#field-body-counter')?.textContent).toBe(`${BODY_MAX + 1}+/${BODY_MAX}`);
    expect(root.querySelector('#field-body-counter')?.getAttribute('aria-label')).toBe(
      `Body: more than ${BODY_MAX} of ${BODY_MAX} characters`,
    );
    expect(root.querySelector('#field-body-problem')?.textContent).toBe(
      `body is 1800001 bytes; a push holds at most ${PUSH_PAYLOAD_MAX_BYTES} bytes.`,
    );
    await settle();
    expect(button('Send').disabled).toBe(true);
  });

  it('show a message too large for a push on the body and beside Send, as the server would refuse it', async () => {
    const { byLabel, type, button, root } = await popupToDevice();
    type(byLabel('Title'), 'Wide');
    type(byLabel<HTMLTextAreaElement>('Body'), '👩🏽‍💻'.repeat(BODY_MAX));
    expect(root.querySelector('#field-body-counter')?.textContent).toBe(`${BODY_MAX}/${BODY_MAX}`);
    const problem = root.querySelector('#field-body-problem')?.textContent;
    expect(problem).toMatch(
      new RegExp(`^The message makes a 7\\d{3}-byte push; Apple and Google accept at most ${PUSH_PAYLOAD_MAX_BYTES} bytes`),
    );
    expect(root.querySelector('#field-body')?.getAttribute('aria-invalid')).toBe('true');
    await settle();
    expect(root.querySelector('#blocker')?.textContent).toBe(problem);
    expect(button('Send').disabled).toBe(true);

    type(byLabel<HTMLTextAreaElement>('Body'), '\u00e9'.repeat(BODY_MAX));
    expect(root.querySelector('#field-body-problem')?.textContent).toBe('');
    await settle();
    expect(button('Send').disabled).toBe(false);
  });

  it('call a title of invisible characters empty, and keep Send disabled', async () => {
    const { byLabel, type, button, root } = await popupToDevice();
    type(byLabel<HTMLTextAreaElement>('Body'), 'Please restart your phone.');
    type(byLabel('Title'), '\u3164\u2800\u200b');
    expect(root.querySelector('#field-title-problem')?.textContent).toBe(
      'title is empty (it has no visible character); it needs 1 to 50 characters.',
    );
    await settle();
    expect(button('Send').disabled).toBe(true);
  });
});

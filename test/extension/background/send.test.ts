import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { handlers } from '../../../extension/background/handlers';
import { HeraldError } from '../../../extension/utils/api';
import { messageListener, sendMessage } from '../../../extension/utils/messages';
import { consoleRulesItem, draftItem, EMPTY_DRAFT, serverUrlItem, tokenItem } from '../../../extension/utils/storage';
import { fakeFetch } from '../fake-herald';

const accepted = {
  id: 'n-1',
  status: 'queued',
  target: { type: 'device', deviceId: 'd1' },
  audience: { users: 1, devices: 1, skipped: {} },
};
const input = { title: 'Building closed', body: 'Work from home today.', deviceId: 'd1' };

const POPUP = { url: 'chrome-extension://test-extension-id/popup.html' };

/** The background's listener, as a message from the popup reaches it (the fake browser's sender has no URL). */
function listen(sender = POPUP) {
  const listener = messageListener(handlers);
  fakeBrowser.runtime.onMessage.addListener((message: unknown) => listener(message, sender));
}

describe('sending through the background', () => {
  it('posts with the saved server and token, then confirms with a browser notification', async () => {
    await serverUrlItem.setValue('https://herald.contoso.example');
    await tokenItem.setValue('hrd_saved');
    const fetch = fakeFetch({ 'POST /v1/notifications': () => ({ status: 202, body: accepted }) });
    vi.stubGlobal('fetch', fetch);
    listen();

    await expect(sendMessage('send', { input })).resolves.toEqual(accepted);

    const [url, init] = fetch.mock.calls[0]!;
    expect(String(url)).toBe('https://herald.contoso.example/v1/notifications');
    expect(new Headers(init?.headers).get('authorization')).toBe('Bearer hrd_saved');
    expect(JSON.parse(String(init?.body))).toEqual(input);
    const shown = await fakeBrowser.notifications.getAll();
    expect(shown['herald-n-1']).toMatchObject({ title: 'Custom notification sent', message: 'Queued for 1 device of 1 user.' });
  });

  it('takes the sent message out of the saved draft, keeping the target, even with no popup open', async () => {
    vi.stubGlobal('fetch', fakeFetch({ 'POST /v1/notifications': () => ({ status: 202, body: accepted }) }));
    await draftItem.setValue({ ...EMPTY_DRAFT, title: input.title, body: input.body, mode: 'device' });
    listen();
    await sendMessage('send', { input });
    expect(await draftItem.getValue()).toEqual({ ...EMPTY_DRAFT, mode: 'device' });
  });

  it('takes a message sent from a template out of the saved draft, but not a draft changed meanwhile', async () => {
    vi.stubGlobal('fetch', fakeFetch({ 'POST /v1/notifications': () => ({ status: 202, body: accepted }) }));
    const template = {
      id: 'tpl-1',
      name: 'Restart',
      title: 'Restart',
      body: 'Restart today.',
      translations: { 'fr-FR': { title: 'Redémarrez', body: 'Aujourd’hui.' } },
      urgency: 'high' as const,
      requireAcknowledgement: true,
    };
    const fromTemplate = {
      ...EMPTY_DRAFT,
      mode: 'device' as const,
      title: 'Restart',
      body: 'Restart before 5 pm.',
      translations: [{ language: 'fr-FR', title: 'Redémarrez', body: 'Aujourd’hui.' }],
      urgency: 'high' as const,
      requireAcknowledgement: true,
      template,
    };
    const sent = { templateId: 'tpl-1', body: 'Restart before 5 pm.', deviceId: 'd1' };
    await draftItem.setValue({ ...fromTemplate, body: 'Restart before 6 pm.' });
    listen();
    await sendMessage('send', { input: sent });
    expect((await draftItem.getValue()).body).toBe('Restart before 6 pm.');

    await draftItem.setValue(fromTemplate);
    await sendMessage('send', { input: sent });
    expect(await draftItem.getValue()).toEqual({ ...EMPTY_DRAFT, mode: 'device' });
  });

  it('still answers "accepted" when the confirmation cannot be shown after the server took the message, and logs why', async () => {
    vi.stubGlobal('fetch', fakeFetch({ 'POST /v1/notifications': () => ({ status: 202, body: accepted }) }));
    await draftItem.setValue({ ...EMPTY_DRAFT, title: input.title, body: input.body, mode: 'device' });
    const blocked = new Error('Notifications are blocked.');
    vi.spyOn(fakeBrowser.notifications, 'create').mockRejectedValue(blocked);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    listen();
    await expect(sendMessage('send', { input })).resolves.toEqual(accepted);
    expect(logged).toHaveBeenCalledWith('Herald: sent confirmation', blocked);
    expect((await draftItem.getValue()).title).toBe('');
  });

  it('still answers "accepted" when the draft cannot be cleaned up after the server took the message, and logs why', async () => {
    vi.stubGlobal('fetch', fakeFetch({ 'POST /v1/notifications': () => ({ status: 202, body: accepted }) }));
    await draftItem.setValue({ ...EMPTY_DRAFT, title: input.title, body: input.body, mode: 'device' });
    const full = new Error('QUOTA_BYTES quota exceeded');
    vi.spyOn(draftItem, 'setValue').mockRejectedValue(full);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    listen();
    await expect(sendMessage('send', { input })).resolves.toEqual(accepted);
    expect(logged).toHaveBeenCalledWith('Herald: draft clean-up after a send', full);
    expect(Object.keys(await fakeBrowser.notifications.getAll())).toEqual(['herald-n-1']);
  });

  it('hands a refusal back to the popup as the same error, and shows no confirmation', async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        'POST /v1/notifications': () => ({
          status: 429,
          headers: { 'retry-after': '30' },
          body: { error: { code: 'quotaExceeded', message: 'Device quota used.' } },
        }),
      }),
    );
    listen();
    const error = await sendMessage('send', { input }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeraldError);
    expect(error).toMatchObject({ status: 429, code: 'quotaExceeded', retryAfter: 30 });
    expect(await fakeBrowser.notifications.getAll()).toEqual({});
  });

  it('refuses to send for a content script, which runs inside another site', async () => {
    const fetch = fakeFetch({ 'POST /v1/notifications': () => ({ status: 202, body: accepted }) });
    vi.stubGlobal('fetch', fetch);
    listen({ url: 'https://intune.microsoft.com/' });
    await expect(sendMessage('send', { input })).rejects.toThrow('Only the extension’s own pages may send notifications.');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('answers a console page which device it is about, with the custom rules', async () => {
    await consoleRulesItem.setValue([{ id: 'r', pattern: 'https://mdm.example.com/*', regex: 'device=(\\w+)' }]);
    listen({ url: 'https://mdm.example.com/view?device=PHONE7' });
    await expect(sendMessage('deviceIdForUrl', { url: 'https://mdm.example.com/view?device=PHONE7' })).resolves.toBe('PHONE7');
    await expect(sendMessage('deviceIdForUrl', { url: 'https://mdm.example.com/list' })).resolves.toBeNull();
  });

  it('leaves messages of other types to other listeners', () => {
    const listener = messageListener({ send: vi.fn(), openComposer: vi.fn(), deviceIdForUrl: vi.fn() });
    expect(listener({ type: 'somethingElse' }, {})).toBeUndefined();
  });
});

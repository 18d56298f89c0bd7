import { describe, expect, it, vi } from 'vitest';
import browser from 'webextension-polyfill';
import { consoleRulesItem, serverUrlItem, tokenItem } from '../../../extension/utils/storage';
import { fakeFetch } from '../fake-herald';
import { renderOptions } from '../render';

const me = {
  tenant: { id: 't1', name: 'Contoso' },
  account: { id: 'a1', email: 'admin@contoso.example' },
  permissions: ['Organization.Read', 'ManagedDevices.Read'],
  scopes: [],
};

describe('options: connection', () => {
  it('starts with the default server URL and saves the token to local storage only', async () => {
    const ui = await renderOptions();
    expect(ui.byLabel('Server URL').value).toBe('http://127.0.0.1:8787');
    const request = vi.spyOn(browser.permissions, 'request');
    ui.type(ui.byLabel('API token'), ' hrd_secret ');
    ui.button('Save').click();
    await vi.waitFor(() => expect(ui.text('connection-result')).toMatch(/^Saved\./));
    expect(request).not.toHaveBeenCalled();
    expect(await tokenItem.getValue()).toBe('hrd_secret');
    expect(await browser.storage.local.get('token')).toEqual({ token: 'hrd_secret' });
    expect(await browser.storage.sync.get(null)).toEqual({});
  });

  it('asks for the host permission of a remote server at save time, and does not save without it', async () => {
    const ui = await renderOptions();
    const request = vi.spyOn(browser.permissions, 'request').mockResolvedValue(false);
    ui.type(ui.byLabel('Server URL'), 'https://herald.contoso.example/');
    ui.button('Save').click();
    await vi.waitFor(() =>
      expect(ui.text('connection-result')).toBe(
        'Not saved: Herald needs permission to reach https://herald.contoso.example, and it was not granted.',
      ),
    );
    expect(request).toHaveBeenCalledWith({ origins: ['https://herald.contoso.example/*'] });
    expect(await serverUrlItem.getValue()).toBe('http://127.0.0.1:8787');

    request.mockResolvedValue(true);
    ui.button('Save').click();
    await vi.waitFor(() => expect(ui.text('connection-result')).toMatch(/^Saved\./));
    expect(await serverUrlItem.getValue()).toBe('https://herald.contoso.example');
  });

  it('tests the connection: names tenant and permissions, and what is missing', async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        'GET /v1/me': (req) =>
          req.headers.get('authorization') === 'Bearer good'
            ? { body: me }
            : { status: 401, body: { error: { code: 'unauthenticated', message: 'Bad token.' } } },
      }),
    );
    const ui = await renderOptions();
    ui.type(ui.byLabel('API token'), 'good');
    ui.button('Test connection').click();
    await vi.waitFor(() =>
      expect(ui.text('connection-result')).toMatch(
        /^Connected to tenant “Contoso” as admin@contoso\.example\. Permissions: Organization\.Read, ManagedDevices\.Read\. Missing permission: Organization\.Update/,
      ),
    );
    expect(ui.root.querySelector('[data-testid="connection-result"]')?.className).toBe('problem');

    ui.type(ui.byLabel('API token'), 'bad');
    ui.button('Test connection').click();
    await vi.waitFor(() => expect(ui.text('connection-result')).toMatch(/refused the API token \(401\)/));
  });

  it('says plainly when the server is unreachable', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const ui = await renderOptions();
    ui.button('Test connection').click();
    await vi.waitFor(() =>
      expect(ui.text('connection-result')).toMatch(
        /^Herald is unreachable at http:\/\/127\.0\.0\.1:8787\. Check that the server is running/,
      ),
    );
  });
});

describe('options: custom console rules', () => {
  it('asks for the host permission when a rule is added, and gives it back when the rule is removed', async () => {
    const request = vi.spyOn(browser.permissions, 'request').mockResolvedValue(true);
    const giveBack = vi.spyOn(browser.permissions, 'remove').mockResolvedValue(true);
    const ui = await renderOptions();
    ui.type(ui.byLabel('URL match pattern'), 'https://mdm.example.com/*');
    ui.type(ui.byLabel('Device id regular expression'), 'device=(\\w+)');
    ui.button('Add rule').click();
    await vi.waitFor(() =>
      expect(ui.text('rules-result')).toBe('Added: the Send Custom Notification button now shows on https://mdm.example.com/*.'),
    );
    expect(request).toHaveBeenCalledWith({ origins: ['https://mdm.example.com/*'] });
    expect(await consoleRulesItem.getValue()).toEqual([
      { id: expect.any(String), pattern: 'https://mdm.example.com/*', regex: 'device=(\\w+)' },
    ]);

    ui.button('Remove rule for https://mdm.example.com/*').click();
    await vi.waitFor(() => expect(ui.text('rules-result')).toBe('Removed the rule for https://mdm.example.com/*.'));
    expect(await consoleRulesItem.getValue()).toEqual([]);
    expect(giveBack).toHaveBeenCalledWith({ origins: ['https://mdm.example.com/*'] });
  });

  it('keeps the host permission of a removed rule while another rule needs it', async () => {
    const giveBack = vi.spyOn(browser.permissions, 'remove').mockResolvedValue(true);
    await consoleRulesItem.setValue([
      { id: 'wide', pattern: 'https://*.example.com/*', regex: 'device=(\\w+)' },
      { id: 'mdm', pattern: 'https://mdm.example.com/*', regex: 'id=(\\w+)' },
    ]);
    const ui = await renderOptions();
    ui.button('Remove rule for https://*.example.com/*').click();
    await vi.waitFor(() => expect(ui.text('rules-result')).toBe('Removed the rule for https://*.example.com/*.'));
    expect(giveBack).not.toHaveBeenCalled();

    ui.button('Remove rule for https://mdm.example.com/*').click();
    await vi.waitFor(() => expect(ui.text('rules-result')).toBe('Removed the rule for https://mdm.example.com/*.'));
    expect(giveBack).toHaveBeenCalledExactlyOnceWith({ origins: ['https://mdm.example.com/*'] });
    expect(await consoleRulesItem.getValue()).toEqual([]);
  });

  it('refuses a rule without a capture group before asking for anything', async () => {
    const request = vi.spyOn(browser.permissions, 'request');
    const ui = await renderOptions();
    ui.type(ui.byLabel('URL match pattern'), 'https://mdm.example.com/*');
    ui.type(ui.byLabel('Device id regular expression'), 'device=\\w+');
    ui.button('Add rule').click();
    await vi.waitFor(() => expect(ui.text('rules-result')).toMatch(/needs a capture group/));
    expect(request).not.toHaveBeenCalled();
  });
});

import { describe, expect, it, vi } from 'vitest';
import browser from 'webextension-polyfill';
import { CONSOLE_SCRIPT, syncConsoleScripts } from '../../../extension/background/console-scripts';

function fakeScripting(registered: { id: string }[], granted: string[]) {
  const scripting = {
    getRegisteredContentScripts: vi.fn(async () => registered),
    unregisterContentScripts: vi.fn(async () => undefined),
    registerContentScripts: vi.fn(async () => undefined),
  };
  Object.assign(browser, { scripting });
  vi.spyOn(browser.permissions, 'contains').mockImplementation(async ({ origins }) => (origins ?? []).every((o) => granted.includes(o)));
  return scripting;
}

describe('custom console rules', () => {
  it('register the console content script for each rule whose host permission was granted', async () => {
    const scripting = fakeScripting([{ id: 'herald-rule-old' }, { id: 'someone-else' }], ['https://mdm.example.com/*']);
    const ids = await syncConsoleScripts([
      { id: 'a', pattern: 'https://mdm.example.com/*', regex: 'device=(\\w+)' },
      { id: 'b', pattern: 'https://denied.example.com/*', regex: 'device=(\\w+)' },
    ]);
    expect(ids).toEqual(['herald-rule-a']);
    expect(scripting.unregisterContentScripts).toHaveBeenCalledWith({ ids: ['herald-rule-old'] });
    expect(scripting.registerContentScripts).toHaveBeenCalledWith([
      { id: 'herald-rule-a', matches: ['https://mdm.example.com/*'], js: [CONSOLE_SCRIPT], runAt: 'document_idle' },
    ]);
  });

  it('unregister everything of ours when the last rule is removed', async () => {
    const scripting = fakeScripting([{ id: 'herald-rule-a' }], []);
    expect(await syncConsoleScripts([])).toEqual([]);
    expect(scripting.unregisterContentScripts).toHaveBeenCalledWith({ ids: ['herald-rule-a'] });
    expect(scripting.registerContentScripts).not.toHaveBeenCalled();
  });
});

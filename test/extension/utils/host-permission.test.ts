import { describe, expect, it } from 'vitest';
import { originStillNeeded } from '../../../extension/utils/host-permission';
import { serverUrlItem } from '../../../extension/utils/storage';

const rule = (pattern: string) => ({ id: pattern, pattern, regex: 'device=(\\w+)' });

describe("a removed console rule's host permission", () => {
  it('is given back when nothing else needs it', async () => {
    expect(await originStillNeeded('https://mdm.example.com/*', [rule('https://other.example.org/*')])).toBe(false);
    // A narrower rule's permission goes even when a broader rule stays: the broader one was granted on its own.
    expect(await originStillNeeded('https://mdm.example.com/*', [rule('https://*.example.com/*')])).toBe(false);
    // Herald on this machine is reached through the manifest's permissions, not through a rule's.
    expect(await originStillNeeded('http://*/*', [])).toBe(false);
  });

  it('stays while another rule is on the same hosts, whatever the paths, or on hosts it covers', async () => {
    expect(await originStillNeeded('https://mdm.example.com/*', [rule('https://mdm.example.com/*')])).toBe(true);
    expect(await originStillNeeded('https://mdm.example.com/devices/*', [rule('https://mdm.example.com/users/*')])).toBe(true);
    expect(await originStillNeeded('https://*.example.com/*', [rule('https://mdm.example.com/*')])).toBe(true);
    expect(await originStillNeeded('*://*/*', [rule('http://directory.local/*')])).toBe(true);
  });

  it('stays while the Herald server saved in Options is on its hosts', async () => {
    await serverUrlItem.setValue('https://mdm.example.com:8443');
    expect(await originStillNeeded('https://mdm.example.com/*', [])).toBe(true);
    expect(await originStillNeeded('https://*/*', [])).toBe(true);
    expect(await originStillNeeded('https://other.example.org/*', [])).toBe(false);
  });

  it("is never given back when the manifest's own permissions cover it (the browser refuses)", async () => {
    expect(await originStillNeeded('http://127.0.0.1/*', [])).toBe(true);
    expect(await originStillNeeded('http://localhost/console/*', [])).toBe(true);
  });
});

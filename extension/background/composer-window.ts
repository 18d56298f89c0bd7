import browser from 'webextension-polyfill';
import type { ComposerTarget } from '../utils/messages';

/** The composer's URL for a device: popup.html?deviceId=..., ?deviceSearch=... or ?deviceId=a&deviceId=b (a bulk send: one per device). */
export function composerUrl(target: ComposerTarget): string {
  const query = new URLSearchParams(
    'deviceId' in target
      ? { deviceId: target.deviceId }
      : 'deviceIds' in target
        ? target.deviceIds.map((id) => ['deviceId', id])
        : { deviceSearch: target.deviceSearch },
  );
  return browser.runtime.getURL(`/popup.html?${query.toString()}`);
}

/** Opens the composer in its own small window with that device chosen. */
export async function openComposer(target: ComposerTarget): Promise<null> {
  await browser.windows.create({ url: composerUrl(target), type: 'popup', width: 440, height: 680 });
  return null;
}

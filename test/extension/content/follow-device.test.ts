import { describe, expect, it } from 'vitest';
import { followDevice } from '../../../extension/content/follow-device';
import { deviceIdFromUrl } from '../../../extension/utils/device-url';
import { settle } from '../fake-herald';

const A = '6f1c2b1e-8d4a-4c3e-9a57-0b1f2c3d4e5f';
const B = '0b9e7c52-3f1a-4d6b-8e2c-5a4f3b2c1d0e';
const overview = (id: string) =>
  `https://intune.microsoft.com/#view/Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/overview/mdmDeviceId/${id}`;
const hardware = (id: string) =>
  `https://intune.microsoft.com/#view/Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/hardware/mdmDeviceId/${id}`;
const allDevices = 'https://intune.microsoft.com/#view/Microsoft_Intune_DeviceSettings/DevicesMenu/~/allDevices';

/** A page whose buttons are created only when the test says so, as a slow shadow root would be. */
function slowPage() {
  const buttons: { deviceId: string; mounted: boolean; removed: boolean; finish(): void }[] = [];
  const show = followDevice({
    deviceIdFor: async (url) => deviceIdFromUrl(url),
    createUi: (deviceId) =>
      new Promise((resolve) => {
        const button = {
          deviceId,
          mounted: false,
          removed: false,
          finish: () => resolve({ autoMount: () => void (button.mounted = true), remove: () => void (button.removed = true) }),
        };
        buttons.push(button);
      }),
    isInvalid: () => false,
  });
  /** Navigates, and waits until the device is looked up and its button (if any) is being created; `done` ends the navigation. */
  const go = async (url: string) => {
    const done = show(url);
    await settle();
    return { done };
  };
  const onPage = () => buttons.filter((b) => b.mounted && !b.removed).map((b) => b.deviceId);
  const creating = (deviceId: string) => buttons.find((b) => b.deviceId === deviceId && !b.mounted && !b.removed)!;
  return { go, onPage, creating, buttons };
}

describe("the console button follows the page's device", () => {
  it('navigating from A to B while A’s button is being created leaves only B’s button, in either finishing order', async () => {
    for (const order of [
      [A, B],
      [B, A],
    ]) {
      const page = slowPage();
      const toA = await page.go(overview(A));
      const toB = await page.go(overview(B));
      for (const id of order) page.creating(id).finish();
      await Promise.all([toA.done, toB.done]);
      expect(page.onPage()).toEqual([B]);
    }
  });

  it('leaving for a blade without a device while A’s button is being created leaves no button', async () => {
    const page = slowPage();
    const toA = await page.go(overview(A));
    const toList = await page.go(allDevices);
    page.creating(A).finish();
    await Promise.all([toA.done, toList.done]);
    expect(page.onPage()).toEqual([]);
    expect(page.buttons.map((b) => b.removed)).toEqual([true]);
  });

  it('keeps the button being created when the next blade is about the same device', async () => {
    const page = slowPage();
    const toA = await page.go(overview(A));
    const toHardware = await page.go(hardware(A));
    page.creating(A).finish();
    await Promise.all([toA.done, toHardware.done]);
    expect(page.onPage()).toEqual([A]);
    expect(page.buttons).toHaveLength(1);
  });

  it('swaps a mounted button for the next device’s, and removes it on a blade without a device', async () => {
    const page = slowPage();
    const toA = await page.go(overview(A));
    page.creating(A).finish();
    await toA.done;
    const toB = await page.go(overview(B));
    expect(page.onPage()).toEqual([]);
    page.creating(B).finish();
    await toB.done;
    expect(page.onPage()).toEqual([B]);
    await (await page.go(allDevices)).done;
    expect(page.onPage()).toEqual([]);
  });
});

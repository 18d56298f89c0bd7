import { describe, expect, it } from 'vitest';
import { deviceIdFromUrl, isDeviceId, ruleProblem } from '../../../extension/utils/device-url';

const ID = '6f1c2b1e-8d4a-4c3e-9a57-0b1f2c3d4e5f';
const overview = `https://intune.microsoft.com/#view/Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/overview/mdmDeviceId/${ID}`;

describe('deviceIdFromUrl', () => {
  it('reads the device id from each Intune admin center URL shape', () => {
    expect(deviceIdFromUrl(overview)).toBe(ID);
    expect(deviceIdFromUrl(`https://endpoint.microsoft.com/#blade/Microsoft_Intune_Devices/DeviceSettingsBlade/deviceId/${ID}`)).toBe(ID);
    expect(deviceIdFromUrl(`https://intune.microsoft.com/#view/X/~/hardware/managedDeviceId/${ID.toUpperCase()}`)).toBe(ID.toUpperCase());
  });

  it('reads an id that the admin center percent-encoded in the fragment', () => {
    expect(deviceIdFromUrl(`https://intune.microsoft.com/#view/X%2Foverview%2FmdmDeviceId%2F${ID}`)).toBe(ID);
  });

  it('finds nothing on pages that are not about one device', () => {
    expect(deviceIdFromUrl('https://intune.microsoft.com/#view/Microsoft_Intune_DeviceSettings/DevicesMenu/~/allDevices')).toBeNull();
    expect(deviceIdFromUrl(`https://intune.microsoft.com/#view/X/mdmDeviceId/${ID}0`)).toBeNull();
  });

  it("uses the admin's own console rule on pages matching its pattern only", () => {
    const rules = [{ id: 'r1', pattern: 'https://console.example.com/*', regex: 'devices/([A-Z0-9]+)' }];
    expect(deviceIdFromUrl('https://console.example.com/app/devices/PHONE42/info', rules)).toBe('PHONE42');
    expect(deviceIdFromUrl('https://other.example.com/app/devices/PHONE42/info', rules)).toBeNull();
  });
});

describe('isDeviceId', () => {
  it('accepts a selected GUID with surrounding spaces and rejects names', () => {
    expect(isDeviceId(`  ${ID}\n`)).toBe(true);
    expect(isDeviceId('iPhone of Ana')).toBe(false);
  });
});

describe('ruleProblem', () => {
  it('accepts a valid pattern with a capturing regex', () => {
    expect(ruleProblem('https://console.example.com/*', 'devices/([0-9a-f-]+)')).toBeNull();
  });
  it('names what is wrong with a rule', () => {
    expect(ruleProblem('console.example.com', 'x(y)')).toMatch(/Invalid match pattern/);
    expect(ruleProblem('https://console.example.com:8443/*', 'x(y)')).toMatch(/port/);
    expect(ruleProblem('https://console.example.com/*', 'devices/[')).toMatch(/regular expression is not valid/);
    expect(ruleProblem('https://console.example.com/*', 'devices/\\w+')).toMatch(/capture group/);
  });
});

/** The console button's UI as the page follower needs it: created apart, mounted when its anchor shows, removed. */
export interface DeviceUi {
  autoMount(): void;
  remove(): void;
}

export interface FollowDeviceOptions {
  /** The device a page URL is about, or null. */
  deviceIdFor: (url: string) => Promise<string | null>;
  /** Creates the button for a device, not yet mounted. */
  createUi: (deviceId: string) => Promise<DeviceUi>;
  /** True once the extension has reloaded: the old script then leaves the page alone. */
  isInvalid: () => boolean;
}

/**
 * Keeps at most one button on the page, for the device of the latest URL. Each navigation looks its device up and swaps
 * the button; a lookup or a button that a later navigation overtook while it was awaited is dropped, so going quickly
 * from device A to B (or to a blade without a device) never leaves A's button behind.
 */
export function followDevice({ deviceIdFor, createUi, isInvalid }: FollowDeviceOptions): (url: string) => Promise<void> {
  let ui: DeviceUi | null = null;
  let shownFor: string | null = null;
  let latest = 0;
  /** The navigation whose button belongs on the page. */
  let current = 0;
  return async (url) => {
    const call = ++latest;
    const deviceId = await deviceIdFor(url);
    if (call !== latest || deviceId === shownFor || isInvalid()) return;
    ui?.remove();
    ui = null;
    shownFor = deviceId;
    current = call;
    if (!deviceId) return;
    const created = await createUi(deviceId);
    if (current !== call || isInvalid()) return created.remove();
    ui = created;
    created.autoMount();
  };
}

import { MAX_TARGET_DEVICES } from '../../shared/targets';
import { deviceIdFromUrl } from '../utils/device-url';

/**
 * The rows selected in a device list shaped like the admin center's All devices (a Fluent DetailsList: each row a
 * `[role="row"]` with `aria-selected`, its device name a link to the device's blade): their device ids, in list order,
 * each once and at most MAX_TARGET_DEVICES (Intune's own limit for a bulk action).
 */
export function selectedDeviceIds(root: ParentNode): string[] {
  const ids = new Set<string>();
  for (const row of root.querySelectorAll('[role="row"][aria-selected="true"]')) {
    for (const link of row.querySelectorAll('a[href]')) {
      const id = deviceIdFromUrl(link.getAttribute('href') ?? '');
      if (id) {
        ids.add(id);
        break;
      }
    }
    if (ids.size === MAX_TARGET_DEVICES) break;
  }
  return [...ids];
}

/** One key per selection (ids never hold control characters), for the page follower; '' when nothing is selected. */
export const selectionKey = (ids: readonly string[]) => ids.join('\n');
export const selectionOf = (key: string) => (key ? key.split('\n') : []);

import type { Platform } from '../../shared/schemas';
import type { Device } from '../utils/api-types';
import { cannotReceive, useAppState } from './app-state';
import { Typeahead } from './Typeahead';

const PLATFORMS: Record<Platform, string> = {
  ios: 'iOS',
  ipados: 'iPadOS',
  android: 'Android',
  macos: 'macOS',
  windows: 'Windows',
  other: 'another OS',
};

const owner = (d: Device) => (d.user ? `${d.user.displayName} (${d.user.upn})` : 'no owner');

export function DeviceLine({ device }: { device: Device }) {
  const problem = cannotReceive(device);
  return (
    <span class={problem ? 'device unable' : 'device'}>
      <strong>{device.name}</strong> · {PLATFORMS[device.platform] ?? device.platform} · {owner(device)}
      {device.serialNumber ? ` · ${device.serialNumber}` : ''}
      {problem ? <em> · cannot receive</em> : null}
    </span>
  );
}

/** The target device: type-ahead by name, user or serial; shows platform and owner, and whether it can receive. */
export function DevicePicker({ initialQuery }: { initialQuery?: string }) {
  const { api, draft, announcement } = useAppState();
  const device = draft.device.value;
  const choose = (d: Device) => {
    draft.device.value = d;
    announcement.value = `Chose device ${d.name}. ${cannotReceive(d) ?? 'It can receive notifications.'}`;
  };
  const problem = device ? cannotReceive(device) : null;
  return (
    <section class="picker" aria-label="Target device">
      <Typeahead<Device>
        id="device-search"
        label={device ? 'Change device' : 'Device'}
        placeholder="Search by device name, user or serial"
        initialQuery={initialQuery}
        search={async (text, signal) => (await api.devices(text, signal)).items}
        keyOf={(d) => d.id}
        render={(d) => <DeviceLine device={d} />}
        onChoose={choose}
        onInitialResults={(found) => found.length === 1 && choose(found[0] as Device)}
      />
      <div class="chosen-device" data-testid="chosen-device" aria-live="polite">
        {device ? <DeviceLine device={device} /> : 'No device chosen yet.'}
        {problem ? (
          <p class="problem" role="alert">
            {problem}
          </p>
        ) : null}
      </div>
    </section>
  );
}

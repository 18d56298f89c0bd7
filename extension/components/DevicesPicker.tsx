import { useSignal, useSignalEffect } from '@preact/signals';
import type { RefusedDevice } from '../../shared/schemas';
import { MAX_TARGET_DEVICES } from '../../shared/targets';
import { HeraldError } from '../utils/api';
import type { Device, Quotas } from '../utils/api-types';
import { useAppState } from './app-state';
import { ChipsHead } from './ChipsHead';
import { chipState } from './device-chips';
import { DeviceLine } from './DevicePicker';
import { Typeahead } from './Typeahead';

const refusedOf = (value: unknown): RefusedDevice[] => (Array.isArray(value) ? (value as RefusedDevice[]) : []);

/**
 * The devices of a bulk send: type-ahead search, chips with `N/100`, each chip marked when a send would leave that device
 * out (platform, enrolment, scope, quota) and showing its hourly quota on hover. Refusals come from the preview (which
 * judges each device as a send would, without using a quota) and quotas from `GET /v1/quotas?deviceId=`.
 */
export function DevicesPicker() {
  const { api, draft, announcement, sent, deviceRefusals } = useAppState();
  const devices = draft.devices;
  const refused = useSignal<Record<string, RefusedDevice>>({});
  const quotas = useSignal<{ round: string; of: Record<string, Quotas> }>({ round: '', of: {} });
  const count = devices.value.length;

  useSignalEffect(() => {
    const deviceIds = devices.value.map((d) => d.id);
    void sent.value; // a send uses quota and may change what is refused
    if (!deviceIds.length) {
      refused.value = {};
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api.preview({ deviceIds }, controller.signal).then(
        (answer) => (refused.value = Object.fromEntries((answer.refused ?? []).map((r) => [r.deviceId, r]))),
        // every device refused: the error lists each one in its details
        (error: unknown) => {
          if (!controller.signal.aborted && error instanceof HeraldError)
            refused.value = Object.fromEntries(refusedOf(error.details).map((r) => [r.deviceId, r]));
        },
      );
    }, 150);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  });

  // Each chip's quota is asked for once, and again for every chip after a send (which used some).
  useSignalEffect(() => {
    const round = sent.value?.id ?? '';
    const known = quotas.peek().round === round ? quotas.peek().of : {};
    if (known !== quotas.peek().of) quotas.value = { round, of: known };
    for (const { id } of devices.value)
      if (!known[id])
        api.quotas(id).then(
          (q) => quotas.peek().round === round && (quotas.value = { round, of: { ...quotas.peek().of, [id]: q } }),
          () => undefined, // the chip keeps saying its quota is being checked; the send checks it anyway
        );
  });

  const states = devices.value.map((d) => ({ device: d, ...chipState(d, refused.value[d.id], quotas.value.of[d.id]) }));
  useSignalEffect(() => {
    deviceRefusals.value = Object.fromEntries(
      devices.value.flatMap((d) => {
        const { refusal } = chipState(d, refused.value[d.id], quotas.value.of[d.id]);
        return refusal ? [[d.id, refusal]] : [];
      }),
    );
  });

  const add = (device: Device) => {
    if (devices.value.some((d) => d.id === device.id)) return;
    if (devices.value.length >= MAX_TARGET_DEVICES) {
      announcement.value = `At most ${MAX_TARGET_DEVICES} devices: remove one first.`;
      return;
    }
    devices.value = [...devices.value, device];
    announcement.value = `Added device ${device.name}. ${devices.value.length} of ${MAX_TARGET_DEVICES} devices.`;
  };
  const remove = (device: Device) => {
    devices.value = devices.value.filter((d) => d.id !== device.id);
    announcement.value = `Removed device ${device.name}. ${devices.value.length} of ${MAX_TARGET_DEVICES} devices.`;
  };
  const unable = states.filter((s) => s.refusal).length;
  return (
    <section class="picker" aria-label="Target devices">
      <Typeahead<Device>
        id="devices-search"
        label="Add devices"
        placeholder="Search by device name, user or serial"
        search={async (text, signal) => (await api.devices(text, signal)).items.filter((d) => !devices.peek().some((c) => c.id === d.id))}
        keyOf={(d) => d.id}
        render={(d) => <DeviceLine device={d} />}
        onChoose={add}
      />
      <ChipsHead count={count} max={MAX_TARGET_DEVICES} noun="devices" />
      <ul class="chips" aria-label="Chosen devices">
        {states.map(({ device, problem, quota }) => (
          <li
            key={device.id}
            class={problem ? 'chip unable' : 'chip'}
            title={problem ? `Cannot receive: ${problem}. ${quota}` : quota}
            data-testid="device-chip"
          >
            <span>{device.name}</span>
            {problem ? <em class="chip-problem">cannot receive: {problem}</em> : null}
            <button type="button" aria-label={`Remove device ${device.name}`} onClick={() => remove(device)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      {unable ? (
        <p class="hint" data-testid="devices-unable" aria-live="polite">
          {unable} of {count} will not be sent to; the others will.
        </p>
      ) : null}
    </section>
  );
}

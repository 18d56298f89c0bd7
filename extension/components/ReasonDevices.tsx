import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { describeReason } from '../../shared/reasons';
import type { DeliveryStatus } from '../../shared/schemas';
import type { Delivery } from '../utils/api-types';
import { intuneDeviceUrl } from '../utils/device-url';
import { describeProblem } from '../utils/problem';
import { useAppState } from './app-state';

/** The devices a notification did not reach, by name, each with why; an Intune id links to the device in Intune. */
export function ReasonDevices({ notificationId, statuses }: { notificationId: string; statuses: readonly DeliveryStatus[] }) {
  const { api } = useAppState();
  const rows = useSignal<Delivery[] | null>(null);
  const more = useSignal(false);
  const problem = useSignal('');
  const key = statuses.join();
  useEffect(() => {
    let stopped = false;
    Promise.all(statuses.map((s) => api.deliveries(notificationId, s))).then(
      (pages) => {
        if (stopped) return;
        rows.value = pages.flatMap((p) => p.items);
        more.value = pages.some((p) => p.nextCursor);
      },
      (error: unknown) => !stopped && (problem.value = describeProblem(error)),
    );
    return () => {
      stopped = true;
    };
  }, [notificationId, key]);
  return (
    <div aria-live="polite" data-testid="reason-devices">
      {problem.value ? <p class="problem">{problem.value}</p> : null}
      {rows.value === null && !problem.value ? <p class="hint">Loading the devices…</p> : null}
      <ul class="reason-devices">
        {rows.value?.map((d) => {
          const url = intuneDeviceUrl(d.deviceId);
          const name = d.deviceName ?? `${d.deviceId} (no longer in the directory)`;
          return (
            <li key={`${d.status}-${d.deviceId}`}>
              {url ? (
                <a href={url} target="_blank" rel="noreferrer">
                  {name}
                </a>
              ) : (
                <strong>{name}</strong>
              )}{' '}
              — {d.status}
              {d.reason ? `: ${describeReason(d.status, d.reason)}` : ''}
            </li>
          );
        })}
      </ul>
      {more.value ? (
        <p class="hint">More devices than shown: the API lists them all (GET /v1/notifications/{notificationId}/deliveries).</p>
      ) : null}
    </div>
  );
}

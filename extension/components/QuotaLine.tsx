import { useSignal, useSignalEffect } from '@preact/signals';
import type { Quotas } from '../utils/api-types';
import { clock } from '../utils/format';
import { describeProblem } from '../utils/problem';
import { useAppState } from './app-state';

const at = (iso: string | null | undefined) => (iso ? ` Next one frees at ${clock(new Date(iso))}.` : '');
const ahead = (scheduled = 0) => (scheduled ? ` ${scheduled} scheduled within the hour.` : '');

/** What is left before sending: group sends this hour for the tenant, or sends to this device, with the reset time. */
export function quotaText(quotas: Quotas, mode: 'groups' | 'device' | 'devices'): { text: string; exhausted: boolean } {
  if (mode === 'groups') {
    const { limit, available, scheduled, resetsAt } = quotas.groupSends;
    return { text: `Group sends left this hour: ${available} of ${limit}.${ahead(scheduled)}${at(resetsAt)}`, exhausted: available === 0 };
  }
  const limit = quotas.deviceSends.limitPerDevice;
  if (mode === 'devices')
    return { text: `Each device can get ${limit} sends an hour: point at a device for what it has left.`, exhausted: false };
  const left = quotas.device?.available ?? limit;
  return {
    text: `Sends left to this device this hour: ${left} of ${limit}.${ahead(quotas.device?.scheduled)}${at(quotas.device?.resetsAt)}`,
    exhausted: left === 0,
  };
}

export function QuotaLine() {
  const { api, draft, sent } = useAppState();
  const line = useSignal<{ text: string; exhausted: boolean } | null>(null);
  useSignalEffect(() => {
    const mode = draft.mode.value;
    const deviceId = mode === 'device' ? draft.device.value?.id : undefined;
    void sent.value; // refresh after each send
    if (mode === 'device' && !deviceId) {
      line.value = null;
      return;
    }
    let current = true;
    api.quotas(deviceId).then(
      (quotas) => current && (line.value = quotaText(quotas, mode)),
      (error: unknown) => current && (line.value = { text: `Quota unknown: ${describeProblem(error)}`, exhausted: false }),
    );
    return () => {
      current = false;
    };
  });
  if (!line.value) return null;
  return (
    <p class={line.value.exhausted ? 'quota exhausted' : 'quota'} data-testid="quota" aria-live="polite">
      {line.value.text}
    </p>
  );
}

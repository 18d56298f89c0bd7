import { useSignal, useSignalEffect } from '@preact/signals';
import type { AudienceSummary } from '../../shared/schemas';
import type { Counts, NotificationItem, DeliveryReasons as Reasons } from '../utils/api-types';
import { describeProblem } from '../utils/problem';
import { timeInWords } from '../utils/send-time';
import { useAppState } from './app-state';
import { reachText, skippedText, targetText } from './audience';
import { DeliveryReasons } from './DeliveryReasons';
import { FocusedHeading } from './FocusedHeading';
import { FunnelChart } from './FunnelChart';
import { RefusedDevices } from './RefusedDevices';
import { RemindButton } from './RemindButton';

export const POLL_MS = 1000;

/** Settled once nothing waits in the queue any more. */
export const settled = (counts: Counts) => (counts.queued ?? 0) === 0;

/** At acceptance every reachable device is queued and every other one skipped: the counts before the first poll. */
const acceptedCounts = ({ devices, skipped }: AudienceSummary): Counts => ({
  queued: devices,
  sent: 0,
  delivered: 0,
  opened: 0,
  acknowledged: 0,
  failed: 0,
  skipped: Object.values(skipped).reduce((sum, n) => sum + (n ?? 0), 0),
  expired: 0,
});

/** After a send: the id, the audience and the live delivery counts until they settle; for a scheduled send, when it goes. */
export function SentStatus() {
  const { api, sent, view, draft, timeZone } = useAppState();
  const counts = useSignal<Counts | null>(null);
  const reasons = useSignal<Reasons | undefined>(undefined);
  /** The notification as last polled: what a reminder is offered for once delivery settled. */
  const latest = useSignal<NotificationItem | null>(null);
  const problem = useSignal('');
  useSignalEffect(() => {
    const accepted = sent.value;
    if (accepted?.status !== 'queued') return;
    counts.value = acceptedCounts(accepted.audience);
    reasons.value = undefined;
    latest.value = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const poll = () =>
      api.notification(accepted.id).then(
        (item) => {
          if (stopped) return;
          counts.value = item.counts;
          reasons.value = item.reasons;
          latest.value = item;
          problem.value = '';
          if (!item.counts || !settled(item.counts)) timer = setTimeout(poll, POLL_MS);
        },
        (error: unknown) => {
          if (stopped) return;
          problem.value = describeProblem(error);
          timer = setTimeout(poll, POLL_MS * 3);
        },
      );
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  });
  const accepted = sent.value;
  if (!accepted) return null;
  const target = targetText(accepted.target);
  const refused = (
    <RefusedDevices refused={accepted.refused?.map((r) => ({ ...r, name: draft.devices.value.find((d) => d.id === r.deviceId)?.name }))} />
  );
  const newMessage = (
    <div class="actions">
      <button type="button" class="primary" onClick={() => (view.value = 'compose')}>
        New message
      </button>
    </div>
  );
  if (accepted.status === 'scheduled')
    return (
      <section class="sent" aria-labelledby="sent-heading">
        <FocusedHeading id="sent-heading">Scheduled</FocusedHeading>
        <p data-testid="scheduled-for">
          Notification <code data-testid="sent-id">{accepted.id}</code> to {target} goes{' '}
          {timeInWords(accepted.sendAt, Date.now(), timeZone)}. Its audience is counted then; History lists it first, with Cancel, until it
          goes.
        </p>
        {refused}
        {newMessage}
      </section>
    );
  return (
    <section class="sent" aria-labelledby="sent-heading">
      <FocusedHeading id="sent-heading">Sent</FocusedHeading>
      <p>
        Notification <code data-testid="sent-id">{accepted.id}</code> to {target}: {reachText(accepted.audience)}.{' '}
        {skippedText(accepted.audience)}
      </p>
      {refused}
      <div aria-live="polite" data-testid="sent-counts" data-settled={counts.value ? String(settled(counts.value)) : 'false'}>
        {counts.value ? (
          <>
            <FunnelChart counts={counts.value} label="Delivery progress" acknowledgement={latest.value?.requireAcknowledgement} />
            <DeliveryReasons notificationId={accepted.id} reasons={reasons.value} />
            <p class="hint">{settled(counts.value) ? 'Delivery settled.' : 'Updating live…'}</p>
            {latest.value && settled(counts.value) ? <RemindButton item={latest.value} /> : null}
          </>
        ) : (
          <p class="hint">Loading delivery counts…</p>
        )}
        {problem.value ? <p class="problem">{problem.value}</p> : null}
      </div>
      {newMessage}
    </section>
  );
}

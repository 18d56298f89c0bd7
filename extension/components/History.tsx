import { useSignal, useSignalEffect } from '@preact/signals';
import type { NotificationItem } from '../utils/api-types';
import { describeProblem } from '../utils/problem';
import { timeInWords } from '../utils/send-time';
import { useAppState } from './app-state';
import { reachText, targetText } from './audience';
import { DeliveryReasons } from './DeliveryReasons';
import { FunnelChart } from './FunnelChart';
import { CancelButton } from './CancelButton';
import { RefusedDevices } from './RefusedDevices';
import { RemindButton } from './RemindButton';
import { refusalsItem, type StoredRefusal } from '../utils/storage';

const when = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });

/** Where a notification is, in words, for those that are not simply sent. */
function statusText(n: NotificationItem, now: number, timeZone: string): string | null {
  switch (n.status) {
    case 'scheduled':
      return `Scheduled: goes ${n.sendAt ? timeInWords(n.sendAt, now, timeZone) : 'later'}.`;
    case 'canceled':
      return 'Canceled: it was not sent.';
    case 'failed':
      return `Failed: ${n.failure?.message ?? 'it could not be sent at its time.'}`;
    case 'expired':
      return 'Expired: Herald was down at its time for longer than a push may wait, so it was not sent.';
    default:
      return n.lateSeconds ? `Sent ${n.lateSeconds} s after its time (Herald was not running).` : null;
  }
}

/** Scheduled sends first (the soonest first), then the recent notifications, newest first. */
function scheduledFirst(scheduled: NotificationItem[], recent: NotificationItem[]): NotificationItem[] {
  const soonest = [...scheduled].sort((a, b) => Date.parse(a.sendAt ?? '') - Date.parse(b.sendAt ?? ''));
  const ids = new Set(soonest.map((n) => n.id));
  return [...soonest, ...recent.filter((n) => !ids.has(n.id))];
}

/** Scheduled sends (each with Cancel), then recent notifications, newest first, each with its delivery funnel. */
export function History() {
  const { api, timeZone } = useAppState();
  const items = useSignal<NotificationItem[] | null>(null);
  const problem = useSignal('');
  const refusals = useSignal<Record<string, StoredRefusal[]>>({});
  useSignalEffect(() => {
    void refusalsItem.getValue().then((kept) => (refusals.value = kept));
    Promise.all([api.notifications('scheduled'), api.notifications()]).then(
      ([scheduled, recent]) => (items.value = scheduledFirst(scheduled.items, recent.items)),
      (error: unknown) => (problem.value = describeProblem(error)),
    );
  });
  const replace = (changed: NotificationItem) => (items.value = items.value?.map((n) => (n.id === changed.id ? changed : n)) ?? null);
  const now = Date.now();
  return (
    <section class="history" aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      <div aria-live="polite">
        {problem.value ? <p class="problem">{problem.value}</p> : null}
        {items.value === null && !problem.value ? <p class="hint">Loading recent notifications…</p> : null}
        {items.value?.length === 0 ? <p class="hint">Nothing sent yet.</p> : null}
      </div>
      <ol class="history-list">
        {items.value?.map((n) => {
          const status = statusText(n, now, timeZone);
          return (
            <li key={n.id} data-testid="history-item" data-status={n.status}>
              <h3>{n.title ?? '(text erased after retention)'}</h3>
              <p class="hint">
                {when(n.createdAt)} · {n.sender.email ?? 'a removed account'} · {targetText(n.target)}
                {n.audience ? ` · ${reachText(n.audience)}` : ''}
                {n.urgency === 'high' ? ' · high urgency' : ''}
                {n.reminderOf ? ' · a reminder' : ''}
              </p>
              {status ? (
                <p class={n.status === 'failed' ? 'problem' : 'status'} data-testid="history-status" aria-live="polite">
                  {status}
                </p>
              ) : null}
              {n.status === 'scheduled' ? <CancelButton item={n} onCanceled={replace} /> : null}
              {n.counts ? (
                <>
                  <FunnelChart counts={n.counts} label={`Delivery of “${n.title ?? n.id}”`} acknowledgement={n.requireAcknowledgement} />
                  <DeliveryReasons notificationId={n.id} reasons={n.reasons} />
                </>
              ) : null}
              <RefusedDevices refused={refusals.value[n.id]} />
              {n.status === 'queued' ? <RemindButton item={n} /> : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

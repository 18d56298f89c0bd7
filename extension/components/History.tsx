import { useSignal, useSignalEffect } from '@preact/signals';
import type { NotificationItem } from '../utils/api-types';
import { describeProblem } from '../utils/problem';
import { useAppState } from './app-state';
import { reachText, targetText } from './audience';
import { DeliveryReasons } from './DeliveryReasons';
import { FunnelChart } from './FunnelChart';
import { RefusedDevices } from './RefusedDevices';
import { RemindButton } from './RemindButton';
import { refusalsItem, type StoredRefusal } from '../utils/storage';

const when = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });

/** Recent notifications, newest first, each with its delivery funnel. */
export function History() {
  const { api } = useAppState();
  const items = useSignal<NotificationItem[] | null>(null);
  const problem = useSignal('');
  const refusals = useSignal<Record<string, StoredRefusal[]>>({});
  useSignalEffect(() => {
    void refusalsItem.getValue().then((kept) => (refusals.value = kept));
    api.notifications().then(
      (page) => (items.value = page.items),
      (error: unknown) => (problem.value = describeProblem(error)),
    );
  });
  return (
    <section class="history" aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      <div aria-live="polite">
        {problem.value ? <p class="problem">{problem.value}</p> : null}
        {items.value === null && !problem.value ? <p class="hint">Loading recent notifications…</p> : null}
        {items.value?.length === 0 ? <p class="hint">Nothing sent yet.</p> : null}
      </div>
      <ol class="history-list">
        {items.value?.map((n) => (
          <li key={n.id} data-testid="history-item">
            <h3>{n.title ?? '(text erased after retention)'}</h3>
            <p class="hint">
              {when(n.createdAt)} · {n.sender.email ?? 'a removed account'} · {targetText(n.target)} · {reachText(n.audience)}
              {n.urgency === 'high' ? ' · high urgency' : ''}
              {n.reminderOf ? ' · a reminder' : ''}
            </p>
            <FunnelChart counts={n.counts} label={`Delivery of “${n.title ?? n.id}”`} acknowledgement={n.requireAcknowledgement} />
            <DeliveryReasons notificationId={n.id} reasons={n.reasons} />
            <RefusedDevices refused={refusals.value[n.id]} />
            <RemindButton item={n} />
          </li>
        ))}
      </ol>
    </section>
  );
}

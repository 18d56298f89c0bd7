import { useSignal } from '@preact/signals';
import { HeraldError } from '../utils/api';
import type { Counts, NotificationItem } from '../utils/api-types';
import { plural } from '../utils/format';
import { describeProblem } from '../utils/problem';
import { useAppState } from './app-state';

/** Devices that have not acknowledged (or, when acknowledgement was not asked for, not opened): whom a reminder goes to. */
export function notYet(counts: Counts, acknowledgement: boolean): number {
  const { queued = 0, sent = 0, delivered = 0, opened = 0, failed = 0, expired = 0 } = counts;
  return queued + sent + delivered + failed + expired + (acknowledgement ? opened : 0);
}

type Shown = { state: 'idle' } | { state: 'confirm' } | { state: 'sending' } | { state: 'done'; text: string; problem: boolean };

/** "Remind N who have not acknowledged": after a confirmation, sends the same message again to them only. */
export function RemindButton({ item }: { item: NotificationItem }) {
  const { api, announcement } = useAppState();
  const shown = useSignal<Shown>({ state: 'idle' });
  const acknowledgement = item.requireAcknowledgement === true;
  const verb = acknowledgement ? 'acknowledged' : 'opened';
  const n = item.counts ? notYet(item.counts, acknowledgement) : 0;
  const s = shown.value;
  if (n === 0 && s.state === 'idle') return null;

  const remind = async () => {
    shown.value = { state: 'sending' };
    try {
      const accepted = await api.remind(item.id);
      const text = `Reminder sent to ${plural(accepted.audience.devices, 'device')} (notification ${accepted.id}).`;
      shown.value = { state: 'done', text, problem: false };
      announcement.value = text;
    } catch (error) {
      const text =
        error instanceof HeraldError && error.code === 'nothingToRemind'
          ? `Nothing to remind. ${error.message}`
          : `Reminder not sent. ${describeProblem(error)}`;
      shown.value = { state: 'done', text, problem: true };
      announcement.value = text;
    }
  };

  return (
    <div class="remind" data-testid="remind">
      {s.state === 'idle' ? (
        <button type="button" onClick={() => (shown.value = { state: 'confirm' })}>
          Remind {n} who have not {verb}
        </button>
      ) : null}
      {s.state === 'confirm' || s.state === 'sending' ? (
        <fieldset class="confirm">
          <legend class="visually-hidden">Confirm the reminder</legend>
          <p>
            Send “{item.title ?? 'this notification'}” again to the {plural(n, 'device')} that have not {verb} it? It uses quota like the
            first send.
          </p>
          <div class="actions">
            <button type="button" class="primary" disabled={s.state === 'sending'} onClick={() => void remind()}>
              {s.state === 'sending' ? 'Sending…' : 'Send reminder'}
            </button>
            <button type="button" disabled={s.state === 'sending'} onClick={() => (shown.value = { state: 'idle' })}>
              Cancel
            </button>
          </div>
        </fieldset>
      ) : null}
      {s.state === 'done' ? (
        <p class={s.problem ? 'problem' : 'hint'} role="status" data-testid="remind-result">
          {s.text}
        </p>
      ) : null}
    </div>
  );
}

import { useSignal } from '@preact/signals';
import { HeraldError } from '../utils/api';
import type { NotificationItem } from '../utils/api-types';
import { describeProblem } from '../utils/problem';
import { useAppState } from './app-state';

type Shown = { state: 'idle' } | { state: 'confirm' } | { state: 'canceling' } | { state: 'failed'; text: string };

/** Cancel of a scheduled send: after a confirmation, the send is canceled and `onCanceled` gets it back, as the server has it. */
export function CancelButton({ item, onCanceled }: { item: NotificationItem; onCanceled: (item: NotificationItem) => void }) {
  const { api, announcement } = useAppState();
  const shown = useSignal<Shown>({ state: 'idle' });
  const s = shown.value;
  const title = item.title ?? 'this notification';

  const cancel = async () => {
    shown.value = { state: 'canceling' };
    try {
      const canceled = await api.cancel(item.id);
      announcement.value = `Canceled “${title}”: it will not be sent.`;
      shown.value = { state: 'idle' };
      onCanceled(canceled);
    } catch (error) {
      const text =
        error instanceof HeraldError && error.code === 'notScheduled'
          ? `Too late to cancel: ${error.message}`
          : `Not canceled. ${describeProblem(error)}`;
      shown.value = { state: 'failed', text };
      announcement.value = text;
    }
  };

  if (s.state === 'idle')
    return (
      <button type="button" onClick={() => (shown.value = { state: 'confirm' })}>
        Cancel
      </button>
    );
  if (s.state === 'failed')
    return (
      <p class="problem" role="status" data-testid="cancel-result">
        {s.text}
      </p>
    );
  return (
    <fieldset class="confirm">
      <legend class="visually-hidden">Confirm the cancellation</legend>
      <p>Cancel “{title}”? It will not be sent, and its quota slot frees.</p>
      <div class="actions">
        <button type="button" class="primary" disabled={s.state === 'canceling'} onClick={() => void cancel()}>
          {s.state === 'canceling' ? 'Canceling…' : 'Cancel send'}
        </button>
        <button type="button" disabled={s.state === 'canceling'} onClick={() => (shown.value = { state: 'idle' })}>
          Keep it
        </button>
      </div>
    </fieldset>
  );
}

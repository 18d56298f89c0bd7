import { useSignalEffect } from '@preact/signals';
import { type Urgency, urgencies } from '../../shared/send-rules';
import { mayUseHighUrgency } from '../utils/permissions';
import { useAppState } from './app-state';

const LABELS: Record<Urgency, string> = { low: 'Low', normal: 'Normal', high: 'High' };

/** Low, normal or high; high is offered only to those allowed to send it (RemoteTasks.SendUrgentNotifications). */
export function UrgencyChoice() {
  const { api, draft, me } = useAppState();
  useSignalEffect(() => {
    if (me.value) return;
    api.me().then(
      (answer) => (me.value = answer),
      () => undefined, // without /v1/me high stays hidden; the send itself reports a broken connection
    );
  });
  const allowed = me.value !== null && mayUseHighUrgency(me.value);
  const urgency = draft.urgency.value;
  const offered = urgencies.filter((u) => u !== 'high' || allowed || urgency === 'high');
  return (
    <fieldset class="target urgency" aria-describedby="urgency-hint">
      <legend>Urgency</legend>
      {offered.map((u) => (
        <label key={u} class="radio">
          <input type="radio" name="urgency" value={u} checked={urgency === u} onChange={() => (draft.urgency.value = u)} />
          {LABELS[u]}
        </label>
      ))}
      <p id="urgency-hint" class="hint">
        {offered.includes('high')
          ? 'High breaks through Focus and Do Not Disturb (time-sensitive on iPhone, high priority on Android): keep it for what cannot wait.'
          : ''}
      </p>
    </fieldset>
  );
}

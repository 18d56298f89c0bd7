import { localValue, timeInWords } from '../utils/send-time';
import { useAppState } from './app-state';

const HOUR = 3_600_000;

/** Send later: a date-time picker in the admin's time zone, named beside it, with the chosen time echoed in words. */
export function SendLater() {
  const { draft, timeZone, sendAt } = useAppState();
  const later = draft.sendLater.value;
  const toggle = (on: boolean) => {
    draft.sendLater.value = on;
    // the next full hour, a time most schedules start from
    draft.sendAt.value = on ? localValue(Math.ceil((Date.now() + 1) / HOUR) * HOUR, timeZone) : '';
  };
  return (
    <div class="send-later">
      <label class="checkbox">
        <input type="checkbox" checked={later} onChange={(e) => toggle(e.currentTarget.checked)} />
        Send later
      </label>
      {later ? (
        <div class="field">
          <label for="send-at">Send at ({timeZone})</label>
          <input
            id="send-at"
            type="datetime-local"
            value={draft.sendAt.value}
            min={localValue(Date.now(), timeZone)}
            onInput={(e) => (draft.sendAt.value = e.currentTarget.value)}
          />
          <p class="hint" data-testid="send-at-words" aria-live="polite">
            {sendAt.value ? timeInWords(sendAt.value, Date.now(), timeZone) : 'Choose a date and time.'}
          </p>
        </div>
      ) : null}
    </div>
  );
}

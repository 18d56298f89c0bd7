import { useAppState } from './app-state';
import { DevicePicker } from './DevicePicker';
import { GroupPicker } from './GroupPicker';
import { LanguageTabs } from './LanguageTabs';
import { QuotaLine } from './QuotaLine';
import { SendProblem } from './SendProblem';
import { TemplatePicker } from './TemplatePicker';
import { TextField } from './TextField';
import { UrgencyChoice } from './UrgencyChoice';

/** Enter in a one-line field does not send: only the Send (or Review) button does. */
function noImplicitSubmit(event: KeyboardEvent) {
  if (event.key === 'Enter' && event.target instanceof HTMLInputElement) event.preventDefault();
}

/** Title, body, target and quota; groups go on to Review, a device send goes straight out (as in Intune). */
export function Composer({ deviceSearch }: { deviceSearch?: string }) {
  const state = useAppState();
  const { draft, loaded, blocker, sending, view } = state;
  const mode = draft.mode.value;
  const disabled = blocker.value !== null || sending.value;
  const onSubmit = (event: Event) => {
    event.preventDefault();
    if (mode === 'groups') {
      if (!blocker.value) view.value = 'review';
    } else void state.send();
  };
  return (
    <form class="composer" onSubmit={onSubmit} onKeyDown={noImplicitSubmit} aria-label="Compose a custom notification">
      <TemplatePicker />
      <TextField label="Title" value={draft.title} check={state.titleCheck} disabled={!loaded.value} autoFocus />
      <TextField label="Body" value={draft.body} check={state.bodyFieldCheck} multiline disabled={!loaded.value} />
      <fieldset class="target">
        <legend>Send to</legend>
        {(['groups', 'device'] as const).map((m) => (
          <label key={m} class="radio">
            <input type="radio" name="target" value={m} checked={mode === m} onChange={() => (draft.mode.value = m)} />
            {m === 'groups' ? 'Groups' : 'Device'}
          </label>
        ))}
      </fieldset>
      {mode === 'groups' ? <GroupPicker /> : <DevicePicker initialQuery={deviceSearch} />}
      <LanguageTabs />
      <UrgencyChoice />
      <label class="checkbox">
        <input
          type="checkbox"
          checked={draft.requireAcknowledgement.value}
          onChange={(e) => (draft.requireAcknowledgement.value = e.currentTarget.checked)}
        />
        Require acknowledgement
      </label>
      <QuotaLine />
      <SendProblem />
      <div class="actions">
        <button type="submit" class="primary" disabled={disabled} aria-describedby="blocker">
          {mode === 'groups' ? 'Review' : sending.value ? 'Sending…' : 'Send'}
        </button>
        <span id="blocker" class="hint">
          {blocker.value ?? (mode === 'groups' ? 'Review the message and its reach before sending.' : 'Ready to send.')}
        </span>
      </div>
    </form>
  );
}

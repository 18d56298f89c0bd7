import { useAppState } from './app-state';
import { DevicePicker } from './DevicePicker';
import { DevicesPicker } from './DevicesPicker';
import { GroupPicker } from './GroupPicker';
import { LanguageTabs } from './LanguageTabs';
import { QuotaLine } from './QuotaLine';
import { SendLater } from './SendLater';
import { SendProblem } from './SendProblem';
import { TemplatePicker } from './TemplatePicker';
import { TextField } from './TextField';
import { UrgencyChoice } from './UrgencyChoice';

/** Enter in a one-line field does not send: only the Send (or Review) button does. */
function noImplicitSubmit(event: KeyboardEvent) {
  if (event.key === 'Enter' && event.target instanceof HTMLInputElement) event.preventDefault();
}

const TARGETS = { groups: 'Groups', device: 'Device', devices: 'Devices' } as const;

/**
 * Title, body, target, time and quota; groups, several devices and any send for later go on to Review, a device send
 * now goes straight out (as in Intune).
 */
export function Composer({ deviceSearch }: { deviceSearch?: string }) {
  const state = useAppState();
  const { draft, loaded, blocker, sending, view } = state;
  const mode = draft.mode.value;
  const disabled = blocker.value !== null || sending.value;
  const reviewed = mode !== 'device' || draft.sendLater.value;
  const onSubmit = (event: Event) => {
    event.preventDefault();
    if (reviewed) {
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
        {(['groups', 'device', 'devices'] as const).map((m) => (
          <label key={m} class="radio">
            <input type="radio" name="target" value={m} checked={mode === m} onChange={() => (draft.mode.value = m)} />
            {TARGETS[m]}
          </label>
        ))}
      </fieldset>
      {mode === 'groups' ? <GroupPicker /> : mode === 'devices' ? <DevicesPicker /> : <DevicePicker initialQuery={deviceSearch} />}
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
      <SendLater />
      <QuotaLine />
      <SendProblem />
      <div class="actions">
        <button type="submit" class="primary" disabled={disabled} aria-describedby="blocker">
          {reviewed ? 'Review' : sending.value ? 'Sending…' : 'Send'}
        </button>
        <span id="blocker" class="hint">
          {blocker.value ?? (reviewed ? 'Review the message and its reach before sending.' : 'Ready to send.')}
        </span>
      </div>
    </form>
  );
}

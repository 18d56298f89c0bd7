import { timeInWords } from '../utils/send-time';
import { useAppState } from './app-state';
import { FocusedHeading } from './FocusedHeading';
import { ReachPreview } from './ReachPreview';
import { SendProblem } from './SendProblem';

/** The last look before a group or bulk device send: title, body, target and reach, then Send. */
export function Review() {
  const state = useAppState();
  const { draft, view, sending, blocker, sendAt, timeZone } = state;
  return (
    <section class="review" aria-labelledby="review-heading">
      <FocusedHeading id="review-heading">Review</FocusedHeading>
      <dl>
        <dt>Title</dt>
        <dd data-testid="review-title">{draft.title}</dd>
        <dt>Body</dt>
        <dd class="body-text">{draft.body}</dd>
        {draft.translations.value.length ? (
          <>
            <dt>Languages</dt>
            <dd data-testid="review-languages">{draft.translations.value.map((t) => t.language).join(', ')} and the default text</dd>
          </>
        ) : null}
        <dt>Urgency</dt>
        <dd data-testid="review-urgency">
          {draft.urgency.value === 'normal' ? 'Normal' : draft.urgency.value === 'high' ? 'High (time-sensitive)' : 'Low'}
          {draft.requireAcknowledgement.value ? ', acknowledgement required' : ''}
        </dd>
        {draft.template.value ? (
          <>
            <dt>Template</dt>
            <dd>{draft.template.value.name}</dd>
          </>
        ) : null}
        {draft.mode.value === 'device' ? (
          <>
            <dt>Device</dt>
            <dd>{draft.device.value?.name}</dd>
          </>
        ) : draft.mode.value === 'devices' ? (
          <>
            <dt>Devices ({draft.devices.value.length})</dt>
            <dd data-testid="review-devices">{draft.devices.value.map((d) => d.name).join(', ')}</dd>
          </>
        ) : (
          <>
            <dt>Groups ({draft.groups.value.length})</dt>
            <dd>{draft.groups.value.map((g) => g.displayName).join(', ')}</dd>
          </>
        )}
        <dt>When</dt>
        <dd data-testid="review-when">{sendAt.value ? timeInWords(sendAt.value, Date.now(), timeZone) : 'Now'}</dd>
        <dt>Reach</dt>
        <dd>
          <ReachPreview languages />
        </dd>
      </dl>
      <SendProblem />
      <div class="actions">
        <button type="button" onClick={() => (view.value = 'compose')}>
          Back
        </button>
        <button type="button" class="primary" disabled={blocker.value !== null || sending.value} onClick={() => void state.send()}>
          {sending.value ? 'Sending…' : sendAt.value ? 'Schedule' : 'Send'}
        </button>
      </div>
    </section>
  );
}

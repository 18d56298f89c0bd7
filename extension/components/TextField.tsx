import { useComputed, type ReadonlySignal, type Signal } from '@preact/signals';
import type { TextCheck } from '../../shared/text';

interface Props {
  label: string;
  value: Signal<string>;
  check: ReadonlySignal<TextCheck>;
  multiline?: boolean;
  disabled?: boolean;
}

/**
 * A labelled title or body field with its live `N/limit` counter. The counter, the error state and the message are
 * bound to signals, so they change synchronously on each input, counted by the same shared function as the server.
 */
export function TextField({ label, value, check, multiline, disabled }: Props) {
  const id = `field-${label.toLowerCase()}`;
  const counter = useComputed(() => `${check.value.count}/${check.value.limit}`);
  // An empty field only disables sending; anything else wrong is shown at once.
  const problem = useComputed(() => (check.value.count > 0 ? (check.value.problem ?? '') : ''));
  const invalid = useComputed(() => (problem.value ? 'true' : 'false'));
  const className = useComputed(() => (problem.value ? 'field error' : 'field'));
  const onInput = (event: Event) => {
    value.value = (event.currentTarget as HTMLInputElement | HTMLTextAreaElement).value;
  };
  const common = { id, value, onInput, disabled, 'aria-invalid': invalid, 'aria-describedby': `${id}-counter ${id}-problem` };
  return (
    <div class={className}>
      <div class="field-head">
        <label for={id}>{label}</label>
        <span id={`${id}-counter`} class="counter" aria-label={useComputed(() => `${label}: ${counter.value} characters`)}>
          {counter}
        </span>
      </div>
      {multiline ? <textarea {...common} rows={5} /> : <input {...common} type="text" autocomplete="off" />}
      <p id={`${id}-problem`} class="problem" role="alert">
        {problem}
      </p>
    </div>
  );
}

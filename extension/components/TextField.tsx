import { effect, type ReadonlySignal, type Signal } from '@preact/signals';
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { TextCheck } from '../../shared/text';

interface Props {
  label: string;
  /** The control's id; `field-<label>` unless given (a translation's fields need their own). */
  id?: string;
  value: Signal<string>;
  check: ReadonlySignal<TextCheck>;
  multiline?: boolean;
  disabled?: boolean;
  /** Takes the focus when the composer opens, so typing can start at once. */
  autoFocus?: boolean;
}

/**
 * A labelled title or body field with its live `N/limit` counter, counted by the same shared function as the server.
 * A plain signal effect paints the counter, the error state and the message: it runs synchronously on each input,
 * where Preact's own signal bindings would wait for a later microtask.
 */
export function TextField({ label, id = `field-${label.toLowerCase()}`, value, check, multiline, disabled, autoFocus }: Props) {
  const wrapper = useRef<HTMLDivElement>(null);
  const control = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const counter = useRef<HTMLSpanElement>(null);
  const message = useRef<HTMLParagraphElement>(null);
  useLayoutEffect(() => {
    if (autoFocus) control.current!.focus();
  }, []);
  useLayoutEffect(
    () =>
      effect(() => {
        const { count, exact, limit, problem } = check.value;
        // An empty field only disables sending; anything else wrong is shown at once.
        const shown = count > 0 ? (problem ?? '') : '';
        if (control.current!.value !== value.value) control.current!.value = value.value;
        // past the limit the shared check stops counting: "51+/50" is "more than 50"
        counter.current!.textContent = `${count}${exact ? '' : '+'}/${limit}`;
        counter.current!.setAttribute('aria-label', `${label}: ${exact ? count : `more than ${limit}`} of ${limit} characters`);
        message.current!.textContent = shown;
        control.current!.setAttribute('aria-invalid', shown ? 'true' : 'false');
        wrapper.current!.classList.toggle('error', shown !== '');
      }),
    [],
  );
  const onInput = (event: Event) => {
    value.value = (event.currentTarget as HTMLInputElement | HTMLTextAreaElement).value;
  };
  const common = { id, ref: control, onInput, disabled, 'aria-describedby': `${id}-counter ${id}-problem` };
  return (
    <div class="field" ref={wrapper}>
      <div class="field-head">
        <label for={id}>{label}</label>
        <span id={`${id}-counter`} class="counter" ref={counter} />
      </div>
      {multiline ? <textarea {...common} rows={5} /> : <input {...common} type="text" autocomplete="off" />}
      <p id={`${id}-problem`} class="problem" role="alert" ref={message} />
    </div>
  );
}

import { useSignal, useSignalEffect } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { describeProblem } from '../utils/problem';

interface Props<T> {
  id: string;
  label: string;
  placeholder?: string;
  /** The text to search for when the field first shows (e.g. a selection from a web page). */
  initialQuery?: string;
  search: (text: string, signal: AbortSignal) => Promise<T[]>;
  keyOf: (item: T) => string;
  render: (item: T) => ComponentChildren;
  onChoose: (item: T) => void;
  /** Called with the results of `initialQuery`, e.g. to choose the only match. */
  onInitialResults?: (items: T[]) => void;
}

/** A labelled combobox: type to search Herald's directory, arrows to move, Enter to choose, Escape to close. */
export function Typeahead<T>({ id, label, placeholder, initialQuery = '', search, keyOf, render, onChoose, onInitialResults }: Props<T>) {
  const query = useSignal(initialQuery);
  const items = useSignal<T[]>([]);
  const active = useSignal(0);
  const open = useSignal(false);
  const status = useSignal('');
  const first = useSignal(initialQuery !== '');

  useSignalEffect(() => {
    const text = query.value.trim();
    const initial = first.peek();
    if (!text) {
      items.value = [];
      status.value = '';
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(
      () => {
        status.value = 'Searching…';
        search(text, controller.signal).then(
          (found) => {
            items.value = found;
            active.value = 0;
            open.value = !initial;
            status.value = found.length ? `${found.length} result${found.length === 1 ? '' : 's'}` : `Nothing matches “${text}”.`;
            if (initial) {
              first.value = false;
              onInitialResults?.(found);
              if (found.length !== 1) open.value = true;
            }
          },
          (error: unknown) => {
            if (!controller.signal.aborted) status.value = describeProblem(error);
          },
        );
      },
      initial ? 0 : 150,
    );
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  });

  const choose = (item: T) => {
    onChoose(item);
    query.value = '';
    open.value = false;
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const count = items.value.length;
    if (event.key === 'ArrowDown' && count) {
      event.preventDefault();
      open.value = true;
      active.value = (active.value + 1) % count;
    } else if (event.key === 'ArrowUp' && count) {
      event.preventDefault();
      active.value = (active.value - 1 + count) % count;
    } else if (event.key === 'Enter') {
      // Enter picks; it never submits the composer around the search box.
      event.preventDefault();
      if (open.value && items.value[active.value]) choose(items.value[active.value] as T);
    } else if (event.key === 'Escape' && open.value) {
      event.preventDefault();
      open.value = false;
    }
  };
  const listId = `${id}-list`;
  const shown = open.value && items.value.length > 0;
  return (
    <div class="typeahead">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="search"
        role="combobox"
        autocomplete="off"
        placeholder={placeholder}
        aria-expanded={shown}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={shown ? `${listId}-${active.value}` : undefined}
        value={query}
        onInput={(e) => {
          first.value = false;
          query.value = e.currentTarget.value;
        }}
        onKeyDown={onKeyDown}
      />
      {/* biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the ARIA combobox pattern's listbox; the input keeps the focus and moves aria-activedescendant */}
      <ul id={listId} role="listbox" aria-label={`${label} results`} hidden={!shown}>
        {items.value.map((item, index) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents: options are chosen with the keyboard on the input (aria-activedescendant), as the combobox pattern has it
          // biome-ignore lint/a11y/useFocusableInteractive: likewise, the focus stays on the input
          <li
            key={keyOf(item)}
            id={`${listId}-${index}`}
            // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: an option of the combobox's listbox
            role="option"
            aria-selected={index === active.value}
            class={index === active.value ? 'active' : undefined}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => choose(item)}
          >
            {render(item)}
          </li>
        ))}
      </ul>
      <p class="hint" aria-live="polite">
        {status}
      </p>
    </div>
  );
}

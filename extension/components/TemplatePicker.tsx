import type { Template } from '../utils/api-types';
import { useAppState } from './app-state';
import { Typeahead } from './Typeahead';

/** Starts the message from a saved template: search by name, choose, and every field is filled yet stays editable. */
export function TemplatePicker() {
  const state = useAppState();
  const template = state.draft.template.value;
  return (
    <section class="picker template-picker" aria-label="Template">
      <Typeahead<Template>
        id="template-search"
        label="Template"
        placeholder="Search saved templates by name"
        search={async (text, signal) => (await state.api.templates(text, signal)).items}
        keyOf={(t) => t.id}
        render={(t) => (
          <>
            {t.name} <span class="hint">{t.title}</span>
          </>
        )}
        onChoose={state.useTemplate}
      />
      {template ? (
        <p class="hint" data-testid="template-used">
          From template “{template.name}”: the send names it and carries what you change.{' '}
          <button type="button" class="link" onClick={() => (state.draft.template.value = null)}>
            Send without the template
          </button>
        </p>
      ) : null}
    </section>
  );
}

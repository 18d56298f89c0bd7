import { useSignal } from '@preact/signals';
import { MAX_TRANSLATIONS } from '../../shared/send-rules';
import { SCHEMAS_FAILED, useAppState } from './app-state';
import { languageText } from './message-text';
import { TextField } from './TextField';

/** The message in more languages: a tab per BCP 47 tag, each with its own title, body and live counters. */
export function LanguageTabs() {
  const { draft, loaded, announcement, pushOptions } = useAppState();
  const tag = useSignal('');
  const problem = useSignal('');
  const selected = useSignal<string | null>(null);
  const list = draft.translations.value;
  const current = list.find((t) => t.language === selected.value) ?? list[0];

  const add = async () => {
    const typed = tag.value.trim();
    // the schemas (zod) load after the composer's first paint: by the time a tag is typed they are there
    const schemas = await import('../../shared/schemas').catch(() => null);
    if (!schemas) return void (problem.value = SCHEMAS_FAILED);
    const { languageTag } = schemas;
    const parsed = languageTag.safeParse(typed);
    if (!parsed.success) return void (problem.value = parsed.error.issues[0]?.message ?? 'Not a language tag.');
    const language = parsed.data;
    const added = draft.translations.value;
    if (added.some((t) => t.language === language)) return void (problem.value = `${language} is already added.`);
    if (added.length >= MAX_TRANSLATIONS) return void (problem.value = `A message has at most ${MAX_TRANSLATIONS} languages.`);
    draft.translations.value = [...added, languageText(language, pushOptions)];
    selected.value = language;
    tag.value = '';
    problem.value = '';
    announcement.value = `Added ${language}: write its title and body.`;
  };
  const remove = (language: string) => {
    draft.translations.value = list.filter((t) => t.language !== language);
    selected.value = null;
    announcement.value = `Removed ${language}.`;
  };
  const onTabKey = (event: KeyboardEvent, index: number) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = list[(index + step + list.length) % list.length]!;
    selected.value = next.language;
    document.getElementById(`tab-${next.language}`)?.focus();
  };

  return (
    <fieldset class="languages">
      <legend>Languages</legend>
      <div class="add-language">
        <label for="language-tag">Add a language</label>
        <input
          id="language-tag"
          type="text"
          autocomplete="off"
          placeholder="BCP 47 tag, e.g. fr-FR"
          value={tag}
          disabled={!loaded.value}
          aria-describedby="language-problem"
          onInput={(e) => (tag.value = e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            void add();
          }}
        />
        <button type="button" onClick={() => void add()}>
          Add language
        </button>
      </div>
      <p id="language-problem" class="problem" role="alert">
        {problem}
      </p>
      {current ? (
        <>
          <div role="tablist" aria-label="Languages">
            {list.map((t, index) => (
              <button
                key={t.language}
                id={`tab-${t.language}`}
                type="button"
                role="tab"
                aria-selected={t === current}
                aria-controls="language-panel"
                tabIndex={t === current ? 0 : -1}
                class={t.problem.value && t.titleCheck.value.count + t.bodyCheck.value.count > 0 ? 'tab error' : 'tab'}
                onClick={() => (selected.value = t.language)}
                onKeyDown={(e) => onTabKey(e, index)}
              >
                {t.language}
              </button>
            ))}
          </div>
          <div role="tabpanel" id="language-panel" aria-labelledby={`tab-${current.language}`} key={current.language}>
            <TextField
              label={`${current.language} title`}
              id={`field-title-${current.language}`}
              value={current.title}
              check={current.titleCheck}
            />
            <TextField
              label={`${current.language} body`}
              id={`field-body-${current.language}`}
              value={current.body}
              check={current.bodyFieldCheck}
              multiline
            />
            <button type="button" onClick={() => remove(current.language)}>
              Remove {current.language}
            </button>
          </div>
        </>
      ) : (
        <p class="hint">Everyone gets the title and body above unless you add their language.</p>
      )}
    </fieldset>
  );
}

import { useSignal, useSignalEffect } from '@preact/signals';
import type { Preview } from '../utils/api-types';
import { describeProblem } from '../utils/problem';
import { useAppState } from './app-state';
import { languagesText, reachText, skippedText } from './audience';

/**
 * The live reach of the chosen groups (or devices of a bulk send), from the preview endpoint (no quota used); with `languages` (in the review, where
 * the text is final) the preview carries the translations and says how many devices get each language.
 */
export function ReachPreview({ languages = false }: { languages?: boolean }) {
  const { api, draft, translations } = useAppState();
  const preview = useSignal<Preview | null>(null);
  const problem = useSignal('');
  useSignalEffect(() => {
    const mode = draft.mode.value;
    const ids =
      mode === 'devices'
        ? draft.devices.value.map((d) => d.id)
        : mode === 'device'
          ? [draft.device.value?.id ?? '']
          : draft.groups.value.map((g) => g.id);
    const target = mode === 'devices' ? { deviceIds: ids } : mode === 'device' ? { deviceId: ids[0] } : { groupIds: ids };
    const text = languages && Object.keys(translations.value).length ? { translations: translations.value } : {};
    preview.value = null;
    problem.value = '';
    if (!ids.some((id) => id)) return;
    const controller = new AbortController();
    api.preview({ ...target, ...text }, controller.signal).then(
      (answer) => (preview.value = answer),
      (error: unknown) => {
        if (!controller.signal.aborted) problem.value = describeProblem(error);
      },
    );
    return () => controller.abort();
  });
  const a = preview.value?.audience;
  const chosen =
    draft.mode.value === 'device'
      ? draft.device.value !== null
      : (draft.mode.value === 'devices' ? draft.devices : draft.groups).value.length > 0;
  const perLanguage = languages ? languagesText(preview.value?.languages) : '';
  return (
    <>
      <p class="reach" aria-live="polite" data-testid="reach">
        {problem.value || (a ? `Reaches ${reachText(a)}. ${skippedText(a)}` : chosen ? 'Counting the reach…' : 'No groups chosen yet.')}
      </p>
      {perLanguage ? (
        <p class="reach" data-testid="reach-languages">
          {perLanguage}
        </p>
      ) : null}
    </>
  );
}

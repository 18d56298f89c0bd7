import { useSignal, useSignalEffect } from '@preact/signals';
import type { AudienceSummary } from '../../shared/schemas';
import { describeProblem } from '../utils/problem';
import { useAppState } from './app-state';
import { reachText, skippedText } from './audience';

/** The live reach of the chosen groups, from the preview endpoint (no quota used). */
export function ReachPreview() {
  const { api, draft } = useAppState();
  const audience = useSignal<AudienceSummary | null>(null);
  const problem = useSignal('');
  useSignalEffect(() => {
    const groupIds = draft.groups.value.map((g) => g.id);
    audience.value = null;
    problem.value = '';
    if (!groupIds.length) return;
    const controller = new AbortController();
    api.preview({ groupIds }, controller.signal).then(
      (preview) => (audience.value = preview.audience),
      (error: unknown) => {
        if (!controller.signal.aborted) problem.value = describeProblem(error);
      },
    );
    return () => controller.abort();
  });
  const a = audience.value;
  return (
    <p class="reach" aria-live="polite" data-testid="reach">
      {problem.value ||
        (a ? `Reaches ${reachText(a)}. ${skippedText(a)}` : draft.groups.value.length ? 'Counting the reach…' : 'No groups chosen yet.')}
    </p>
  );
}

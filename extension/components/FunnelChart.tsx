import type { Counts } from '../utils/api-types';

const STAGES = ['queued', 'sent', 'delivered', 'opened', 'failed'] as const;

/** The delivery funnel as a small bar chart; the numbers are text too, for screen readers. */
export function FunnelChart({ counts, label }: { counts: Counts; label: string }) {
  const max = Math.max(1, ...STAGES.map((s) => counts[s] ?? 0));
  return (
    <ul class="funnel" aria-label={label}>
      {STAGES.map((stage) => {
        const n = counts[stage] ?? 0;
        return (
          <li key={stage} class={`stage ${stage}`} data-stage={stage}>
            <span class="stage-name">{stage}</span>
            <span class="bar" aria-hidden="true">
              <span style={{ width: `${(n / max) * 100}%` }} />
            </span>
            <span class="stage-count">{n}</span>
          </li>
        );
      })}
    </ul>
  );
}

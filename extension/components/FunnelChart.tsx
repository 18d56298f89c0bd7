import type { Counts } from '../utils/api-types';

const STAGES = ['queued', 'sent', 'delivered', 'opened', 'acknowledged', 'failed'] as const;

/**
 * The delivery funnel as a small bar chart; the numbers are text too, for screen readers. `acknowledged` shows when the
 * message asked for it (or someone acknowledged anyway).
 */
export function FunnelChart({ counts, label, acknowledgement }: { counts: Counts; label: string; acknowledgement?: boolean }) {
  const stages = STAGES.filter((s) => s !== 'acknowledged' || acknowledgement || (counts.acknowledged ?? 0) > 0);
  const max = Math.max(1, ...stages.map((s) => counts[s] ?? 0));
  return (
    <ul class="funnel" aria-label={label}>
      {stages.map((stage) => {
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

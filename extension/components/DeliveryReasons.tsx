import { useSignal } from '@preact/signals';
import { reasonLines, type DeliveryReasons as Reasons } from '../../shared/reasons';
import { ReasonDevices } from './ReasonDevices';

/** The statuses whose devices can be listed: the settled ones that did not arrive. */
const LISTED = ['failed', 'expired', 'skipped'] as const;

/** Why deliveries failed, expired or were skipped, in words with counts; the devices behind them on request. */
export function DeliveryReasons({ notificationId, reasons }: { notificationId: string; reasons: Reasons | undefined }) {
  const open = useSignal(false);
  const lines = reasonLines(reasons);
  if (!lines.length) return null;
  const statuses = LISTED.filter((s) => Object.keys(reasons?.[s] ?? {}).length);
  return (
    <div class="reasons" data-testid="delivery-reasons">
      <ul aria-label="Why not delivered">
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      {statuses.length ? (
        <button type="button" class="link" aria-expanded={open.value} onClick={() => (open.value = !open.value)}>
          {open.value ? 'Hide these devices' : 'Show these devices'}
        </button>
      ) : null}
      {open.value ? <ReasonDevices notificationId={notificationId} statuses={statuses} /> : null}
    </div>
  );
}

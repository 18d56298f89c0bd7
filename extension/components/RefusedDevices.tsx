import type { RefusedDevice } from '../../shared/schemas';
import { plural } from '../utils/format';
import { refusalWords } from '../utils/refusals';

/** A device a bulk send left out, with its name when the composer knew it. */
export type Refusal = RefusedDevice & { name?: string | null };

/** After a bulk send: the devices it was not sent to, each by name with the reason in words. */
export function RefusedDevices({ refused }: { refused: readonly Refusal[] | undefined }) {
  if (!refused?.length) return null;
  return (
    <div class="refused" data-testid="refused-devices">
      <p>Not sent to {plural(refused.length, 'device')}:</p>
      <ul aria-label="Devices not sent to">
        {refused.map((r) => (
          <li key={r.deviceId}>
            <strong>{r.name ?? r.deviceId}</strong>: {refusalWords(r)}
          </li>
        ))}
      </ul>
    </div>
  );
}

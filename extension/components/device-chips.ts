import type { RefusedDevice } from '../../shared/schemas';
import type { Device, Quotas } from '../utils/api-types';
import { receiveRefusal } from './app-state';
import { quotaText } from './QuotaLine';
import { REFUSAL_WORDS, refusalWords } from '../utils/refusals';

/** How one chosen device shows as a chip: whether (and why) a send would leave it out, and its quota for the tooltip. */
export interface ChipState {
  /** The code a send would refuse it with now, or null when it can receive. */
  refusal: string | null;
  /** The refusal in words, shown on the chip. */
  problem: string | null;
  /** Its hourly device quota in words ("Sends left to this device this hour: 3 of 10."), or that it is being checked. */
  quota: string;
}

/**
 * A chip's state, from what is known locally (platform, enrolment), what the preview refused (scope, existence) and the
 * device's quota: the first reason found is the one shown, in the order a send would check them.
 */
export function chipState(device: Device, refused: RefusedDevice | undefined, quotas: Quotas | undefined): ChipState {
  const quota = quotas ? quotaText(quotas, 'device') : null;
  const local = receiveRefusal(device);
  const refusal = refused?.code ?? local ?? (quota?.exhausted ? 'quotaExceeded' : null);
  const problem = refused ? refusalWords(refused) : refusal ? (REFUSAL_WORDS[refusal] ?? refusal) : null;
  return { refusal, problem, quota: quota?.text ?? 'Checking this device’s quota…' };
}

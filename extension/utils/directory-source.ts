import type { DirectoryStatus, Me } from './api-types';
import { holdsOverWholeTenant } from './permissions';

/** "4 min ago", "just now", "3 h ago", "2 days ago". */
export function ago(at: string, now: number): string {
  const minutes = Math.max(0, Math.round((now - Date.parse(at)) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

const count = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** Where the directory comes from, in one sentence: "Synced from Microsoft Entra ID 4 min ago: 1,204 users, 88 groups, 1,530 devices." */
export function describeSource(status: DirectoryStatus, now: number): { text: string; problem: string | null } {
  const { totals, lastSync, lastSuccessAt } = status;
  const size = `${count(totals.users, 'user')}, ${count(totals.groups, 'group')}, ${count(totals.devices, 'device')}`;
  if (status.source === 'import') return { text: `Imported by hand (no Microsoft Entra ID connection): ${size}.`, problem: null };
  const text =
    lastSync?.status === 'running'
      ? `Syncing from Microsoft Entra ID now${lastSuccessAt ? ` (last synced ${ago(lastSuccessAt, now)})` : ''}: ${size}.`
      : lastSuccessAt
        ? `Synced from Microsoft Entra ID ${ago(lastSuccessAt, now)}: ${size}.`
        : `Connected to Microsoft Entra ID, not synced yet: ${size}.`;
  const problem =
    lastSync?.status === 'failed'
      ? `The last sync, ${ago(lastSync.finishedAt ?? lastSync.startedAt, now)}, failed: ${lastSync.error?.message ?? 'no reason was given'}`
      : null;
  return { text, problem };
}

/** Starting a sync needs Organization.Update over the whole tenant, as the server checks. */
export const maySync = (me: Me) => holdsOverWholeTenant(me, 'Organization.Update');

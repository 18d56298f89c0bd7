import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { savedApi } from '../utils/connection';
import { describeSource, maySync } from '../utils/directory-source';
import { describeProblem } from '../utils/problem';
import { entraSessionItem, serverUrlItem, tokenItem } from '../utils/storage';

type Shown = { text: string; problem: string | null; canSync: boolean } | null;

const POLL_MS = 1000;

/** Where the tenant's directory comes from and how fresh it is, with Sync now for those allowed to start one. */
export function DirectorySource() {
  const shown = useSignal<Shown>(null);
  const error = useSignal('');
  const syncing = useSignal(false);

  const api = savedApi;
  const load = async () => {
    if (!(await tokenItem.getValue()) && !(await entraSessionItem.getValue())) {
      shown.value = {
        text: 'Save an API token or sign in with Microsoft to see where the directory comes from.',
        problem: null,
        canSync: false,
      };
      return;
    }
    try {
      const herald = await api();
      const [status, me] = await Promise.all([herald.directoryStatus(), herald.me()]);
      shown.value = { ...describeSource(status, Date.now()), canSync: status.source === 'entra' && maySync(me) };
      error.value = '';
    } catch (problem) {
      shown.value = null;
      error.value = describeProblem(problem);
    }
  };
  useEffect(() => {
    void load();
    // a connection saved above is the one to show
    const unwatch = [serverUrlItem, tokenItem, entraSessionItem].map((item) => item.watch(() => void load()));
    return () => unwatch.forEach((stop) => stop());
  }, []);

  const syncNow = async () => {
    syncing.value = true;
    try {
      const herald = await api();
      const started = await herald.startSync();
      for (let sync = await herald.sync(started.id); sync.status === 'running'; sync = await herald.sync(started.id)) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      await load();
    } catch (problem) {
      error.value = describeProblem(problem);
    } finally {
      syncing.value = false;
    }
  };

  return (
    <section class="directory-source" aria-labelledby="directory-heading">
      <h2 id="directory-heading">Directory</h2>
      <p role="status" aria-live="polite" data-testid="directory-source">
        {syncing.value ? 'Syncing from Microsoft Entra ID…' : (shown.value?.text ?? (error.value ? '' : 'Reading the directory…'))}
      </p>
      {shown.value?.problem && (
        <p class="problem" data-testid="directory-problem">
          {shown.value.problem}
        </p>
      )}
      {error.value && <p class="problem">{error.value}</p>}
      {shown.value?.canSync && (
        <button type="button" disabled={syncing.value} onClick={() => void syncNow()}>
          Sync now
        </button>
      )}
    </section>
  );
}

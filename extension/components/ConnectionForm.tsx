import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { createApi } from '../utils/api';
import { connectionReport, isLocalServer, originPattern, serverUrlProblem } from '../utils/connection-check';
import { bearerOr } from '../utils/connection';
import { signOut } from '../utils/entra-session';
import { askToReach } from '../utils/host-permission';
import { MicrosoftSignIn } from './MicrosoftSignIn';
import { describeProblem } from '../utils/problem';
import { entraSessionItem, serverUrlItem, tokenItem } from '../utils/storage';

type Result = { tone: 'ok' | 'problem' | 'busy'; text: string } | null;

/** Server URL and API token: Save (asking for a remote server's host permission) and Test connection. */
export function ConnectionForm() {
  const serverUrl = useSignal('');
  const token = useSignal('');
  const result = useSignal<Result>(null);
  useEffect(() => {
    void Promise.all([serverUrlItem.getValue(), tokenItem.getValue()]).then(([url, t]) => {
      serverUrl.value = url;
      token.value = t;
    });
  }, []);

  const url = () => serverUrl.value.trim().replace(/\/+$/, '');
  const save = async (event: Event) => {
    event.preventDefault();
    const problem = serverUrlProblem(url());
    if (problem) return void (result.value = { tone: 'problem', text: problem });
    // Asked first, while the click still counts as the user's gesture.
    if (!(await askToReach(url())))
      return void (result.value = {
        tone: 'problem',
        text: `Not saved: Herald needs permission to reach ${new URL(url()).origin}, and it was not granted.`,
      });
    // the Entra token is only ever for the server it was obtained for
    const entra = await entraSessionItem.getValue();
    const leftEntra = entra !== null && entra.server !== new URL(url()).origin;
    if (leftEntra) await signOut();
    await Promise.all([serverUrlItem.setValue(url()), tokenItem.setValue(token.value.trim())]);
    result.value = {
      tone: 'ok',
      text: `Saved. The token is kept in this browser only (never synced).${leftEntra ? ` Signed out of Microsoft: that sign-in was for ${entra.server}.` : ''}`,
    };
  };
  const test = async () => {
    const problem = serverUrlProblem(url());
    if (problem) return void (result.value = { tone: 'problem', text: problem });
    if (!isLocalServer(url()) && !(await browser.permissions.contains({ origins: [originPattern(url())] })))
      return void (result.value = {
        tone: 'problem',
        text: `No permission to reach ${new URL(url()).origin} yet: press Save to grant it.`,
      });
    result.value = { tone: 'busy', text: 'Testing the connection…' };
    try {
      // the typed API token; without one, the Entra sign-in, and only if it was made for this very server
      const typed = token.value.trim();
      const bearer = typed || bearerOr(url(), () => '');
      const report = connectionReport(await createApi({ serverUrl: url(), token: bearer }).me());
      result.value = { tone: report.ok ? 'ok' : 'problem', text: report.summary };
    } catch (error) {
      result.value = { tone: 'problem', text: describeProblem(error) };
    }
  };
  return (
    <form class="connection" onSubmit={save} aria-labelledby="connection-heading">
      <h2 id="connection-heading">Connection</h2>
      <div class="field">
        <label for="server-url">Server URL</label>
        <input id="server-url" type="url" required value={serverUrl} onInput={(e) => (serverUrl.value = e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="api-token">API token</label>
        <input id="api-token" type="password" autocomplete="off" value={token} onInput={(e) => (token.value = e.currentTarget.value)} />
      </div>
      <div class="actions">
        <button type="submit" class="primary">
          Save
        </button>
        <button type="button" onClick={() => void test()}>
          Test connection
        </button>
      </div>
      <p class={result.value?.tone === 'problem' ? 'problem' : 'hint'} role="status" aria-live="polite" data-testid="connection-result">
        {result.value?.text ?? ''}
      </p>
      <MicrosoftSignIn serverUrl={url} />
    </form>
  );
}

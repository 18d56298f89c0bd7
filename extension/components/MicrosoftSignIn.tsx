import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { HeraldError } from '../utils/api';
import { connectionReport, grantSources, serverUrlProblem } from '../utils/connection-check';
import { savedApi } from '../utils/connection';
import { entraRedirectUrl, signInWithMicrosoft, signOut } from '../utils/entra-session';
import { askToReach } from '../utils/host-permission';
import { describeProblem } from '../utils/problem';
import { entraSessionItem, entraTenantItem, serverUrlItem } from '../utils/storage';

type Result = { tone: 'ok' | 'problem' | 'busy'; text: string } | null;

/** Sign in with Microsoft (Entra ID) to the Herald server typed above, instead of an API token; Sign out forgets the tokens. */
export function MicrosoftSignIn({ serverUrl }: { serverUrl: () => string }) {
  const tenant = useSignal('');
  const signedIn = useSignal(false);
  const redirectUrl = useSignal('');
  const result = useSignal<Result>(null);

  // who is signed in and what they may do, through the Entra token as every other call
  const showWho = async () => {
    result.value = { tone: 'busy', text: 'Signed in with Microsoft. Reading your permissions…' };
    try {
      const me = await (await savedApi()).me();
      const report = connectionReport(me);
      result.value = { tone: report.ok ? 'ok' : 'problem', text: `Signed in with Microsoft. ${report.summary} ${grantSources(me)}` };
    } catch (error) {
      result.value = { tone: 'problem', text: `Signed in with Microsoft, but: ${describeProblem(error)}` };
    }
  };
  useEffect(() => {
    try {
      redirectUrl.value = entraRedirectUrl();
    } catch {
      // a browser without the identity API cannot sign in this way
    }
    void Promise.all([entraTenantItem.getValue(), entraSessionItem.getValue()]).then(([t, session]) => {
      tenant.value = t;
      signedIn.value = session !== null;
      if (session) void showWho();
    });
    // a Save to another server signs out of Microsoft
    return entraSessionItem.watch((session) => (signedIn.value = session !== null));
  }, []);

  const signIn = async () => {
    const url = serverUrl();
    const problem =
      serverUrlProblem(url) ?? (tenant.value.trim() ? null : 'Enter the Entra tenant id or domain (for example contoso.com) first.');
    if (problem) return void (result.value = { tone: 'problem', text: problem });
    if (!(await askToReach(url)))
      return void (result.value = {
        tone: 'problem',
        text: `Not signed in: Herald needs permission to reach ${new URL(url).origin}, and it was not granted.`,
      });
    result.value = { tone: 'busy', text: 'Signing in with Microsoft…' };
    try {
      await signInWithMicrosoft(url, tenant.value.trim());
      await Promise.all([serverUrlItem.setValue(url), entraTenantItem.setValue(tenant.value.trim())]);
      signedIn.value = true;
      await showWho();
    } catch (error) {
      result.value = {
        tone: 'problem',
        text:
          error instanceof HeraldError && error.status === 404
            ? `Not signed in: ${url} has no Herald tenant connected to the Entra tenant “${tenant.value.trim()}”. Check the tenant id or domain.`
            : describeProblem(error),
      };
    }
  };
  const signOutNow = async () => {
    await signOut();
    signedIn.value = false;
    result.value = { tone: 'ok', text: 'Signed out: the Microsoft tokens are forgotten. Herald uses the API token, if one is saved.' };
  };

  return (
    <fieldset class="entra-sign-in">
      <legend>Or sign in with Microsoft</legend>
      <div class="field">
        <label for="entra-tenant">Entra tenant id or domain</label>
        <input
          id="entra-tenant"
          type="text"
          value={tenant}
          disabled={signedIn.value}
          onInput={(e) => (tenant.value = e.currentTarget.value)}
        />
      </div>
      <div class="actions">
        {signedIn.value ? (
          <button type="button" onClick={() => void signOutNow()}>
            Sign out
          </button>
        ) : (
          <button type="button" onClick={() => void signIn()}>
            Sign in with Microsoft
          </button>
        )}
      </div>
      <p class={result.value?.tone === 'problem' ? 'problem' : 'hint'} role="status" aria-live="polite" data-testid="entra-result">
        {result.value?.text ?? ''}
      </p>
      {redirectUrl.value && (
        <p class="hint">
          Redirect URI to register (single-page application) on Herald's app registration: <code>{redirectUrl.value}</code>
        </p>
      )}
    </fieldset>
  );
}

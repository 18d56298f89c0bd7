import browser from 'webextension-polyfill';
import { AppStateContext, type AppState, type View } from '../../components/app-state';
import { Composer } from '../../components/Composer';
import { History } from '../../components/History';
import { Review } from '../../components/Review';
import { SentStatus } from '../../components/SentStatus';

const TABS: { view: View; label: string }[] = [
  { view: 'compose', label: 'Compose' },
  { view: 'history', label: 'History' },
];

export function App({ state, connected, deviceSearch }: { state: AppState; connected: boolean; deviceSearch?: string }) {
  const view = state.view.value;
  return (
    <AppStateContext.Provider value={state}>
      <header>
        <h1>Herald</h1>
        <nav aria-label="Views">
          {TABS.map((tab) => (
            <button
              key={tab.view}
              type="button"
              aria-current={view === tab.view || (tab.view === 'compose' && view !== 'history') ? 'page' : undefined}
              onClick={() => (state.view.value = tab.view)}
            >
              {tab.label}
            </button>
          ))}
          <button type="button" onClick={() => void browser.runtime.openOptionsPage()}>
            Options
          </button>
        </nav>
      </header>
      {connected ? null : (
        <p class="problem" role="alert">
          No API token yet: open Options, paste your Herald token and Save.
        </p>
      )}
      <main>
        {view === 'compose' ? <Composer deviceSearch={state.sent.value ? undefined : deviceSearch} /> : null}
        {view === 'review' ? <Review /> : null}
        {view === 'sent' ? <SentStatus /> : null}
        {view === 'history' ? <History /> : null}
      </main>
      <p class="visually-hidden" aria-live="polite" data-testid="announcer">
        {state.announcement}
      </p>
    </AppStateContext.Provider>
  );
}

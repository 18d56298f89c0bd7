import { render } from 'preact';
import '../../components/style.css';
import { createAppState } from '../../components/app-state';
import { createApi } from '../../utils/api';
import { bearerOr } from '../../utils/connection';
import { describeProblem } from '../../utils/problem';
import { draftItem, entraSessionItem, serverUrlItem, tokenItem } from '../../utils/storage';
import { App } from './App';

/**
 * Reads the connection and the saved draft in one go and renders with the fields enabled; then applies ?deviceId= or
 * ?deviceSearch= from the right-click menu or a console's button.
 */
async function start() {
  const params = new URLSearchParams(location.search);
  const [serverUrl, token, entra, draft] = await Promise.all([
    serverUrlItem.getValue(),
    tokenItem.getValue(),
    entraSessionItem.getValue(),
    draftItem.getValue(),
  ]);
  const api = createApi({ serverUrl, token: bearerOr(serverUrl, () => token) });
  const state = createAppState(api);
  state.load(draft);
  const deviceId = params.get('deviceId');
  const deviceSearch = params.get('deviceSearch') ?? undefined;
  if (deviceId !== null || deviceSearch !== undefined) state.draft.mode.value = 'device';
  if (deviceId) {
    state.draft.device.value = null;
    api.device(deviceId).then(
      (device) => (state.draft.device.value = device),
      (error: unknown) => (state.sendError.value = `Could not open device ${deviceId}: ${describeProblem(error)}`),
    );
  }
  render(<App state={state} connected={token !== '' || entra !== null} deviceSearch={deviceSearch} />, document.getElementById('app')!);
}

void start();

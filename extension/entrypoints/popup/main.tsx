import { render } from 'preact';
import '../../components/style.css';
import { type AppState, createAppState } from '../../components/app-state';
import { plural } from '../../utils/format';
import { createApi } from '../../utils/api';
import { bearerOr } from '../../utils/connection';
import { describeProblem } from '../../utils/problem';
import { draftItem, entraSessionItem, serverUrlItem, tokenItem, valuesOf } from '../../utils/storage';
import { App } from './App';

/**
 * Reads the connection and the saved draft in one go and renders with the fields enabled; then applies ?deviceId= (once,
 * or once per device of a console list's selection) or ?deviceSearch= from the right-click menu or a console's button.
 */
async function start() {
  const params = new URLSearchParams(location.search);
  const [serverUrl, token, entra, draft] = await valuesOf([serverUrlItem, tokenItem, entraSessionItem, draftItem]);
  const api = createApi({ serverUrl, token: bearerOr(serverUrl, () => token) });
  const state = createAppState(api);
  state.load(draft);
  const deviceIds = [...new Set(params.getAll('deviceId'))];
  const deviceId = deviceIds.length === 1 ? deviceIds[0]! : null;
  const deviceSearch = params.get('deviceSearch') ?? undefined;
  if (deviceId !== null || deviceSearch !== undefined) state.draft.mode.value = 'device';
  if (deviceIds.length > 1) openDevices(state, deviceIds);
  if (deviceId) {
    state.draft.device.value = null;
    api.device(deviceId).then(
      (device) => (state.draft.device.value = device),
      (error: unknown) => (state.sendError.value = `Could not open device ${deviceId}: ${describeProblem(error)}`),
    );
  }
  render(<App state={state} connected={token !== '' || entra !== null} deviceSearch={deviceSearch} />, document.getElementById('app')!);
}

/** Several devices (a selection in a console's device list): a bulk send to them, each looked up for its chip. */
function openDevices(state: AppState, ids: string[]): void {
  state.draft.mode.value = 'devices';
  state.draft.devices.value = [];
  void Promise.allSettled(ids.map((id) => state.api.device(id))).then((found) => {
    state.draft.devices.value = found.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const missing = ids.filter((_, i) => found[i]?.status === 'rejected');
    if (missing.length) state.sendError.value = `Could not open ${plural(missing.length, 'device')}: ${missing.join(', ')}.`;
  });
}

void start();

import { render } from 'preact';
import '../../components/style.css';
import { createAppState } from '../../components/app-state';
import { savedApi } from '../../utils/connection';
import { describeProblem } from '../../utils/problem';
import { tokenItem } from '../../utils/storage';
import { App } from './App';

/** Renders at once (fields disabled until the saved draft is in), then applies ?deviceId= or ?deviceSearch= from the right-click or console button. */
async function start() {
  const params = new URLSearchParams(location.search);
  const [api, token] = await Promise.all([savedApi(), tokenItem.getValue()]);
  const state = createAppState(api);
  const deviceSearch = params.get('deviceSearch') ?? undefined;
  render(<App state={state} connected={token !== ''} deviceSearch={deviceSearch} />, document.getElementById('app')!);

  await state.load();
  const deviceId = params.get('deviceId');
  if (deviceId !== null || deviceSearch !== undefined) state.draft.mode.value = 'device';
  if (deviceId) {
    state.draft.device.value = null;
    api.device(deviceId).then(
      (device) => (state.draft.device.value = device),
      (error: unknown) => (state.sendError.value = `Could not open device ${deviceId}: ${describeProblem(error)}`),
    );
  }
}

void start();

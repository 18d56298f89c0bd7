// Herald's device simulator: a plain reference client of the device API, meant to be read beside the README's
// device section. A real app does the same four things: get a credential, check in with its push token,
// read its inbox, and report receipts.

const $ = (id) => document.getElementById(id);
const statusLine = $('status');

function say(text, isError = false) {
  statusLine.textContent = text;
  statusLine.className = isError ? 'error' : '';
}

/** Calls Herald and answers the parsed JSON, or throws the API's own error message. */
async function call(method, path, authorization, body) {
  const headers = { authorization };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(json?.error?.message ?? `${method} ${path} answered ${res.status}`);
  return json;
}

const admin = () => `Bearer ${$('token').value.trim()}`;
let device = null; // { id, platform, authorization }
let timer = null;

// 1. The admin side: list the tenant's devices (an app gets its own id from Intune app configuration instead).
$('load').addEventListener('click', async () => {
  try {
    const { items } = await call('GET', '/v1/devices?limit=200', admin());
    const select = $('device');
    select.replaceChildren(
      ...items.map((d) => new Option(`${d.name} (${d.platform})`, JSON.stringify({ id: d.id, platform: d.platform }))),
    );
    select.disabled = $('enrol').disabled = items.length === 0;
    say(items.length ? `${items.length} devices found. Pick one to be.` : 'This tenant has no devices: run `npm run -s herald -- demo`.');
  } catch (error) {
    say(`Could not list devices: ${error.message}`, true);
  }
});

/** A push token of the shape the device's push service issues (APNs: 64 hex digits; FCM: any string). */
function simulatedPushToken(platform) {
  const hex = [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, '0')).join('');
  return platform === 'android' ? { service: 'fcm', token: `simulator:${hex}` } : { service: 'apns', token: hex };
}

// 2. Enrol: an admin-issued device credential (shown once), then the check-in a real app makes at every start.
$('enrol').addEventListener('click', async () => {
  try {
    const chosen = JSON.parse($('device').value);
    const { secret } = await call('POST', `/v1/devices/${encodeURIComponent(chosen.id)}/credentials`, admin());
    device = { ...chosen, authorization: `Device ${chosen.id}:${secret}` };
    await call('POST', '/v1/device/checkin', device.authorization, {
      push: simulatedPushToken(chosen.platform),
      notificationsPermitted: true,
    });
    say(`Enrolled as ${chosen.id}. Send it a notification from the extension or the API.`);
    clearInterval(timer);
    timer = setInterval(refresh, 1000);
    await refresh();
  } catch (error) {
    say(`Could not enrol: ${error.message}`, true);
  }
});

const receipted = new Set();

// 3. The inbox: every message sent to the device; a phone says `delivered` when one arrives.
async function refresh() {
  if (!device) return;
  try {
    const { items } = await call('GET', '/v1/device/notifications?limit=50', device.authorization);
    for (const item of items) {
      if ((item.state === 'queued' || item.state === 'sent') && !receipted.has(item.id)) {
        receipted.add(item.id);
        await receipt(item, 'delivered');
      }
    }
    render(items);
  } catch (error) {
    say(`Could not read the inbox: ${error.message}`, true);
  }
}

// 4. Receipts move a delivery forward only: delivered, then opened, then (when the message asks for it) acknowledged.
async function receipt(item, state) {
  const { state: now } = await call('POST', `/v1/device/notifications/${encodeURIComponent(item.id)}/receipt`, device.authorization, {
    state,
  });
  item.state = now;
}

/** A button that sends one receipt for `item`, then shows the inbox again. */
function receiptButton(item, items, label, state) {
  const button = Object.assign(document.createElement('button'), { textContent: label });
  button.addEventListener('click', async () => {
    await receipt(item, state).catch((error) => say(`Could not send the receipt: ${error.message}`, true));
    render(items);
  });
  return button;
}

function render(items) {
  const inbox = $('inbox');
  if (!items.length)
    return inbox.replaceChildren(Object.assign(document.createElement('p'), { className: 'meta', textContent: 'No notifications yet.' }));
  inbox.replaceChildren(
    ...items.map((item) => {
      const card = document.createElement('article');
      card.className = 'item';
      card.dataset.id = item.id;
      const title = Object.assign(document.createElement('h3'), { textContent: item.title ?? '(text erased by retention)' });
      const body = Object.assign(document.createElement('p'), { textContent: item.body ?? '' });
      // language: the translation chosen for this device's user (null: the default text); urgency: low, normal or high
      const meta = Object.assign(document.createElement('div'), {
        className: 'meta',
        textContent: [
          new Date(item.sentAt).toLocaleString(),
          `language ${item.language ?? 'default'}`,
          `urgency ${item.urgency}`,
          item.state,
        ].join(' · '),
      });
      card.append(title, body, meta);
      if (item.state !== 'opened' && item.state !== 'acknowledged') card.append(receiptButton(item, items, 'Open', 'opened'));
      // a message that asks for an acknowledgement gets a button a person presses to say they have read and acted on it
      if (item.requireAcknowledgement && item.state !== 'acknowledged')
        card.append(receiptButton(item, items, 'Acknowledge', 'acknowledged'));
      return card;
    }),
  );
}

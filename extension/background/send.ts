import type { SendInput } from '../../shared/schemas';
import browser from 'webextension-polyfill';
import type { SendAnswer } from '../utils/api-types';
import { savedApi } from '../utils/connection';
import { plural } from '../utils/format';
import { logFailure } from '../utils/log-failure';
import { draftMessage, EMPTY_MESSAGE, messageFields, sentFields } from '../utils/message-fields';
import { adminTimeZone, timeInWords } from '../utils/send-time';
import { draftItem, REFUSALS_KEPT, refusalsItem } from '../utils/storage';

/** The sent message leaves the draft (the target stays), also when the popup closed before the answer came. */
async function clearSentDraft(input: SendInput): Promise<void> {
  const draft = await draftItem.getValue();
  const same = JSON.stringify(messageFields(draftMessage(draft), draft.template ?? null)) === JSON.stringify(sentFields(input));
  if (same) await draftItem.setValue({ ...draft, ...EMPTY_MESSAGE });
}

/** Keeps a bulk send's refused devices, named as the draft's chips name them, for History (the latest few sends only). */
async function keepRefusals(accepted: SendAnswer): Promise<void> {
  if (!accepted.refused?.length) return;
  const names = new Map(((await draftItem.getValue()).devices ?? []).map((d) => [d.id, d.name]));
  const kept = Object.entries(await refusalsItem.getValue()).slice(-(REFUSALS_KEPT - 1));
  const refused = accepted.refused.map((r) => ({ ...r, name: names.get(r.deviceId) ?? null }));
  await refusalsItem.setValue(Object.fromEntries([...kept, [accepted.id, refused]]));
}

/** The browser notification "Custom notification sent" (or "scheduled"), shown even if the popup has closed meanwhile. */
async function confirmSent(accepted: SendAnswer): Promise<void> {
  await browser.notifications.create(`herald-${accepted.id}`, {
    type: 'basic',
    iconUrl: browser.runtime.getURL('/icon/128.png'),
    title: accepted.status === 'scheduled' ? 'Custom notification scheduled' : 'Custom notification sent',
    message:
      accepted.status === 'scheduled'
        ? `${timeInWords(accepted.sendAt, Date.now(), adminTimeZone())}.`
        : `Queued for ${plural(accepted.audience.devices, 'device')} of ${plural(accepted.audience.users, 'user')}.`,
    contextMessage: `Notification ${accepted.id}`,
  });
}

/**
 * Sends, then tidies the draft and confirms with a browser notification; runs in the background so a closed popup loses
 * nothing. Once the server has accepted the message, a failure of those two is only logged: reporting "Not sent" would
 * invite the admin to send it again.
 */
export async function sendNotification(input: SendInput): Promise<SendAnswer> {
  const accepted = await (await savedApi()).send(input);
  await Promise.all([
    clearSentDraft(input).catch(logFailure('draft clean-up after a send')),
    keepRefusals(accepted).catch(logFailure('keeping the refused devices')),
    confirmSent(accepted).catch(logFailure('sent confirmation')),
  ]);
  return accepted;
}

import { batch, computed, effect, signal } from '@preact/signals';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { checkMessageSize } from '../../shared/push-payload';
import { checkText, normalizeText, type TextCheck } from '../../shared/text';
import { MAX_TARGET_GROUPS, sendSchema, type SendInput } from '../../shared/schemas';
import type { HeraldApi } from '../utils/api';
import type { Accepted, Device } from '../utils/api-types';
import { sendMessage } from '../utils/messages';
import { describeProblem } from '../utils/problem';
import { draftItem, EMPTY_DRAFT, type Draft } from '../utils/storage';
import { reachText } from './audience';

export type View = 'compose' | 'review' | 'sent' | 'history';

/** Only these can receive a custom notification, and only while enrolled (as in Intune). */
export function cannotReceive(device: Device): string | null {
  if (device.platform === 'macos' || device.platform === 'windows')
    return `${device.platform === 'macos' ? 'macOS' : 'Windows'} devices cannot receive custom notifications.`;
  if (device.platform === 'other') return 'Only iOS, iPadOS and Android devices can receive custom notifications.';
  if (device.managementState !== 'enrolled') return 'This device is not enrolled, so it cannot receive notifications.';
  return null;
}

/** The popup's shared state: the draft (kept in storage), the view, and what was sent. */
export function createAppState(api: HeraldApi) {
  const draft = {
    title: signal(EMPTY_DRAFT.title),
    body: signal(EMPTY_DRAFT.body),
    mode: signal<Draft['mode']>(EMPTY_DRAFT.mode),
    groups: signal<Draft['groups']>(EMPTY_DRAFT.groups),
    device: signal<Draft['device']>(EMPTY_DRAFT.device),
  };
  const loaded = signal(false);
  const view = signal<View>('compose');
  const sent = signal<Accepted | null>(null);
  /** The latest sentence for the screen reader's polite live region. */
  const announcement = signal('');

  const titleCheck = computed(() => checkText('title', draft.title.value));
  const bodyCheck = computed(() => checkText('body', draft.body.value));
  /** The push this message makes, measured as the server measures it, once each field passed its own check. */
  const sizeCheck = computed(() =>
    titleCheck.value.problem || bodyCheck.value.problem
      ? null
      : checkMessageSize(normalizeText(draft.title.value), normalizeText(draft.body.value)),
  );
  /** The body field shows a push too large for Apple and Google too: the body is nearly always what makes it so. */
  const bodyFieldCheck = computed<TextCheck>(() =>
    sizeCheck.value?.problem ? { ...bodyCheck.value, problem: sizeCheck.value.problem, tooLarge: true } : bodyCheck.value,
  );
  const input = computed<SendInput>(() => {
    const text = { title: draft.title.value, body: draft.body.value };
    if (draft.mode.value === 'device') return { ...text, deviceId: draft.device.value?.id ?? '' };
    return { ...text, groupIds: draft.groups.value.map((g) => g.id) };
  });
  /** Why Send is disabled, in words, or null when the message can go. */
  const blocker = computed(() => {
    if (titleCheck.value.problem) return titleCheck.value.count ? titleCheck.value.problem : 'Add a title.';
    if (bodyCheck.value.problem) return bodyCheck.value.count ? bodyCheck.value.problem : 'Add a body.';
    if (sizeCheck.value?.problem) return sizeCheck.value.problem;
    if (draft.mode.value === 'device') {
      const device = draft.device.value;
      return device ? cannotReceive(device) : 'Choose a device.';
    }
    if (draft.groups.value.length === 0) return 'Choose at least one group.';
    if (draft.groups.value.length > MAX_TARGET_GROUPS) return `Choose at most ${MAX_TARGET_GROUPS} groups.`;
    return sendSchema.safeParse(input.value).success ? null : 'The message is not valid yet.';
  });

  /** Puts the saved draft in place, then keeps storage up to date with every change. */
  function load(saved: Draft): void {
    batch(() => {
      draft.title.value = saved.title;
      draft.body.value = saved.body;
      draft.mode.value = saved.mode;
      draft.groups.value = saved.groups;
      draft.device.value = saved.device;
      loaded.value = true;
    });
    effect(() => {
      const value: Draft = {
        title: draft.title.value,
        body: draft.body.value,
        mode: draft.mode.value,
        groups: draft.groups.value,
        device: draft.device.value,
      };
      void draftItem.setValue(value);
    });
  }

  const sending = signal(false);
  const sendError = signal('');

  /** Sends through the background (which confirms with a browser notification), then shows the live status. */
  async function send(): Promise<void> {
    if (blocker.value || sending.value) return;
    sending.value = true;
    sendError.value = '';
    try {
      const accepted = await sendMessage('send', { input: input.value });
      batch(() => {
        sent.value = accepted;
        view.value = 'sent';
        draft.title.value = '';
        draft.body.value = '';
        announcement.value = `Sent: notification ${accepted.id}, queued for ${reachText(accepted.audience)}.`;
      });
    } catch (error) {
      sendError.value = describeProblem(error);
      announcement.value = `Not sent. ${sendError.value}`;
    } finally {
      sending.value = false;
    }
  }

  return {
    api,
    draft,
    loaded,
    view,
    sent,
    announcement,
    titleCheck,
    bodyCheck,
    sizeCheck,
    bodyFieldCheck,
    input,
    blocker,
    sending,
    sendError,
    load,
    send,
  };
}

export type AppState = ReturnType<typeof createAppState>;
export const AppStateContext = createContext<AppState | null>(null);

export function useAppState(): AppState {
  const state = useContext(AppStateContext);
  if (!state) throw new Error('useAppState needs an AppStateContext provider.');
  return state;
}

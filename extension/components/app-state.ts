import { batch, computed, effect, signal } from '@preact/signals';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Urgency } from '../../shared/message';
import type { SendInput } from '../../shared/schemas';
import { sendAtProblem, unsupportedPlatforms } from '../../shared/send-rules';
import { MAX_TARGET_DEVICES, MAX_TARGET_GROUPS } from '../../shared/targets';
import { type HeraldApi, HeraldError } from '../utils/api';
import type { Device, Me, SendAnswer } from '../utils/api-types';
import { sendMessage } from '../utils/messages';
import { mayUseHighUrgency, URGENT_PERMISSION } from '../utils/permissions';
import { messageFields } from '../utils/message-fields';
import { describeProblem } from '../utils/problem';
import { refusedList } from '../utils/refusals';
import { adminTimeZone, timeInWords, zonedInstant } from '../utils/send-time';
import { draftItem, type Draft, type DraftTemplate, EMPTY_DRAFT } from '../utils/storage';
import { reachText } from './audience';
import { type LanguageText, languageText, textChecks } from './message-text';

export type View = 'compose' | 'review' | 'sent' | 'history';

type SendSchema = typeof import('../../shared/schemas')['sendSchema'];

/** Only these can receive a custom notification, and only while enrolled (as in Intune). */
export function cannotReceive(device: Device): string | null {
  if (device.platform === 'macos' || device.platform === 'windows')
    return `${device.platform === 'macos' ? 'macOS' : 'Windows'} devices cannot receive custom notifications.`;
  if (device.platform === 'other') return 'Only iOS, iPadOS and Android devices can receive custom notifications.';
  if (device.managementState !== 'enrolled') return 'This device is not enrolled, so it cannot receive notifications.';
  return null;
}

/** Why a device cannot receive, as the code a bulk send would refuse it with, or null. */
export function receiveRefusal(device: Device): 'unsupportedPlatform' | 'notEnrolled' | null {
  if (!cannotReceive(device)) return null;
  return unsupportedPlatforms.includes(device.platform) ? 'unsupportedPlatform' : 'notEnrolled';
}

/** The popup's shared state: the draft (kept in storage), the view, and what was sent; times are shown in `timeZone`. */
/** The schemas' chunk, loaded after the first paint (a test gives one that fails). */
export type LoadSchemas = () => Promise<Pick<typeof import('../../shared/schemas'), 'sendSchema'>>;
const loadSchemas: LoadSchemas = () => import('../../shared/schemas');

/** Said instead of "Checking the message…" when the schemas' chunk cannot load (the extension updated under an open window). */
export const SCHEMAS_FAILED = 'Herald could not load its message checks: close this window and open it again.';

export function createAppState(api: HeraldApi, timeZone = adminTimeZone(), schemas: LoadSchemas = loadSchemas) {
  const draft = {
    title: signal(EMPTY_DRAFT.title),
    body: signal(EMPTY_DRAFT.body),
    mode: signal<Draft['mode']>(EMPTY_DRAFT.mode),
    groups: signal<Draft['groups']>(EMPTY_DRAFT.groups),
    device: signal<Draft['device']>(EMPTY_DRAFT.device),
    devices: signal<Device[]>([]),
    translations: signal<LanguageText[]>([]),
    urgency: signal<Urgency>(EMPTY_DRAFT.urgency),
    requireAcknowledgement: signal(EMPTY_DRAFT.requireAcknowledgement),
    template: signal<DraftTemplate | null>(EMPTY_DRAFT.template),
    /** Send later, at the picker's value in `timeZone` (`2026-12-07T15:30`). */
    sendLater: signal(false),
    sendAt: signal(''),
  };
  /**
   * The send's schema, loaded once the composer is on screen: zod and the schemas are most of the popup's code, and
   * nothing before the last check of `blocker` needs them. Until then Send waits (see `blocker`).
   */
  const sendSchema = signal<SendSchema | null>(null);
  const schemasFailed = signal(false);
  void schemas().then(
    (loaded) => (sendSchema.value = loaded.sendSchema),
    () => (schemasFailed.value = true),
  );
  /** Who is signed in, once `/v1/me` answered: it decides whether high urgency is offered. */
  const me = signal<Me | null>(null);
  const loaded = signal(false);
  const view = signal<View>('compose');
  const sent = signal<SendAnswer | null>(null);
  /** Filled by the Devices picker: the refusal code of each chosen device the server would refuse now (scope, quota...). */
  const deviceRefusals = signal<Record<string, string>>({});
  /** The latest sentence for the screen reader's polite live region. */
  const announcement = signal('');

  /** How the push is shown: part of its size. */
  const pushOptions = computed(() => ({ urgency: draft.urgency.value, requireAcknowledgement: draft.requireAcknowledgement.value }));
  const { titleCheck, bodyCheck, sizeCheck, bodyFieldCheck, problem: textProblem } = textChecks(draft.title, draft.body, pushOptions);
  const translations = computed(() =>
    Object.fromEntries(draft.translations.value.map((t) => [t.language, { title: t.title.value, body: t.body.value }])),
  );
  const message = computed(() => ({
    title: draft.title.value,
    body: draft.body.value,
    translations: translations.value,
    urgency: draft.urgency.value,
    requireAcknowledgement: draft.requireAcknowledgement.value,
  }));
  /** A later send's time as `sendAt` (RFC 3339 with the zone's offset then), null to send at once or while not a time. */
  const sendAt = computed(() => (draft.sendLater.value ? zonedInstant(draft.sendAt.value, timeZone) : null));
  const input = computed<SendInput>(() => {
    const fields = { ...messageFields(message.value, draft.template.value), ...(sendAt.value && { sendAt: sendAt.value }) };
    if (draft.mode.value === 'device') return { ...fields, deviceId: draft.device.value?.id ?? '' };
    if (draft.mode.value === 'devices') return { ...fields, deviceIds: draft.devices.value.map((d) => d.id) };
    return { ...fields, groupIds: draft.groups.value.map((g) => g.id) };
  });
  /** Why Send is disabled, in words, or null when the message can go. */
  const blocker = computed(() => {
    const text = textProblem.value;
    if (text) return text;
    for (const t of draft.translations.value) if (t.problem.value) return `${t.language}: ${t.problem.value}`;
    if (draft.urgency.value === 'high' && me.value && !mayUseHighUrgency(me.value))
      return `High urgency needs the permission ${URGENT_PERMISSION}; choose Normal or Low.`;
    if (draft.sendLater.value) {
      if (!sendAt.value) return 'Choose the date and time to send at.';
      const late = sendAtProblem(sendAt.value, Date.now());
      if (late) return `The send time ${late}`;
    }
    if (draft.mode.value === 'device') {
      const device = draft.device.value;
      if (!device) return 'Choose a device.';
      if (cannotReceive(device)) return cannotReceive(device);
    } else if (draft.mode.value === 'devices') {
      const devices = draft.devices.value;
      if (devices.length === 0) return 'Choose at least one device.';
      if (devices.length > MAX_TARGET_DEVICES) return `Choose at most ${MAX_TARGET_DEVICES} devices.`;
      if (devices.every((d) => cannotReceive(d) || deviceRefusals.value[d.id]))
        return 'None of the chosen devices can receive this notification now.';
    } else {
      if (draft.groups.value.length === 0) return 'Choose at least one group.';
      if (draft.groups.value.length > MAX_TARGET_GROUPS) return `Choose at most ${MAX_TARGET_GROUPS} groups.`;
    }
    if (!sendSchema.value) return schemasFailed.value ? SCHEMAS_FAILED : 'Checking the message…';
    return sendSchema.value.safeParse(input.value).success ? null : 'The message is not valid yet.';
  });

  /** Puts a message's text and options in the fields (a draft saved before these fields existed has none of them). */
  function setMessage(from: Partial<Pick<Draft, 'translations' | 'urgency' | 'requireAcknowledgement'>> & { title: string; body: string }) {
    batch(() => {
      draft.title.value = from.title;
      draft.body.value = from.body;
      draft.translations.value = (from.translations ?? []).map((t) => languageText(t.language, pushOptions, t));
      draft.urgency.value = from.urgency ?? EMPTY_DRAFT.urgency;
      draft.requireAcknowledgement.value = from.requireAcknowledgement ?? EMPTY_DRAFT.requireAcknowledgement;
    });
  }

  /** Fills the message from a template; every field stays editable, and the send names the template. */
  function useTemplate(template: DraftTemplate): void {
    const { id, name, title, body, urgency, requireAcknowledgement } = template;
    const translations = Object.entries(template.translations).map(([language, text]) => ({ language, ...text }));
    batch(() => {
      setMessage({ title, body, translations, urgency, requireAcknowledgement });
      draft.template.value = { id, name, title, body, translations: template.translations, urgency, requireAcknowledgement };
      announcement.value = `Template ${name} filled in the message.`;
    });
  }

  /** Puts the saved draft in place, then keeps storage up to date with every change. */
  function load(saved: Draft): void {
    batch(() => {
      draft.mode.value = saved.mode;
      draft.groups.value = saved.groups;
      draft.device.value = saved.device;
      draft.devices.value = saved.devices ?? [];
      draft.sendAt.value = saved.sendAt ?? '';
      draft.sendLater.value = draft.sendAt.value !== '';
      setMessage(saved);
      draft.template.value = saved.template ?? null;
      loaded.value = true;
    });
    effect(() => {
      const value: Draft = {
        title: draft.title.value,
        body: draft.body.value,
        mode: draft.mode.value,
        groups: draft.groups.value,
        device: draft.device.value,
        devices: draft.devices.value,
        sendAt: draft.sendLater.value ? draft.sendAt.value : '',
        translations: draft.translations.value.map((t) => ({ language: t.language, title: t.title.value, body: t.body.value })),
        urgency: draft.urgency.value,
        requireAcknowledgement: draft.requireAcknowledgement.value,
        template: draft.template.value,
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
        setMessage({ title: '', body: '' });
        draft.template.value = null;
        draft.sendLater.value = false;
        draft.sendAt.value = '';
        announcement.value =
          accepted.status === 'scheduled'
            ? `Scheduled: notification ${accepted.id}, to go ${timeInWords(accepted.sendAt, Date.now(), timeZone)}.`
            : `Sent: notification ${accepted.id}, queued for ${reachText(accepted.audience)}.`;
      });
    } catch (error) {
      const refused =
        error instanceof HeraldError ? refusedList(error.details, new Map(draft.devices.value.map((d) => [d.id, d.name]))) : null;
      sendError.value = refused ? `No device could be sent to. ${refused}.` : describeProblem(error);
      announcement.value = `Not sent. ${sendError.value}`;
    } finally {
      sending.value = false;
    }
  }

  return {
    api,
    draft,
    pushOptions,
    me,
    translations,
    loaded,
    view,
    sent,
    deviceRefusals,
    announcement,
    titleCheck,
    bodyCheck,
    sizeCheck,
    bodyFieldCheck,
    timeZone,
    sendAt,
    input,
    blocker,
    sending,
    sendError,
    load,
    send,
    useTemplate,
  };
}

export type AppState = ReturnType<typeof createAppState>;
export const AppStateContext = createContext<AppState | null>(null);

export function useAppState(): AppState {
  const state = useContext(AppStateContext);
  if (!state) throw new Error('useAppState needs an AppStateContext provider.');
  return state;
}

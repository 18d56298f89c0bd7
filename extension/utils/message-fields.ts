import type { SendInput } from '../../shared/schemas';
import type { Translations, Urgency } from '../../shared/message';
import { type Draft, type DraftTemplate, EMPTY_DRAFT } from './storage';

/** The message as composed, whatever it started from. */
export interface Message {
  title: string;
  body: string;
  translations: Translations;
  urgency: Urgency;
  requireAcknowledgement: boolean;
}

const sameTranslations = (a: Translations, b: Translations) => {
  const key = (t: Translations) => JSON.stringify(Object.entries(t).sort(([x], [y]) => (x < y ? -1 : 1)));
  return key(a) === key(b);
};

type Fields = Omit<SendInput, 'groupIds' | 'deviceId' | 'deviceIds' | 'sendAt'>;

/**
 * The message part of a send. Without a template: title and body, and the rest only where it is not the default.
 * From a template: its id and only what was changed from it (the server fills in the rest from the template).
 */
export function messageFields(message: Message, template: DraftTemplate | null): Fields {
  if (!template) {
    const fields: Fields = { title: message.title, body: message.body };
    if (Object.keys(message.translations).length) fields.translations = message.translations;
    if (message.urgency !== 'normal') fields.urgency = message.urgency;
    if (message.requireAcknowledgement) fields.requireAcknowledgement = true;
    return fields;
  }
  const fields: Fields = { templateId: template.id };
  if (message.title !== template.title) fields.title = message.title;
  if (message.body !== template.body) fields.body = message.body;
  if (!sameTranslations(message.translations, template.translations)) fields.translations = message.translations;
  if (message.urgency !== template.urgency) fields.urgency = message.urgency;
  if (message.requireAcknowledgement !== template.requireAcknowledgement) fields.requireAcknowledgement = message.requireAcknowledgement;
  return fields;
}

/** The message of a saved draft (one saved before issue #16's fields existed has only title and body). */
export function draftMessage(draft: Draft): Message {
  return {
    title: draft.title,
    body: draft.body,
    translations: Object.fromEntries((draft.translations ?? []).map((t) => [t.language, { title: t.title, body: t.body }])),
    urgency: draft.urgency ?? EMPTY_DRAFT.urgency,
    requireAcknowledgement: draft.requireAcknowledgement ?? EMPTY_DRAFT.requireAcknowledgement,
  };
}

/** A draft's message part when nothing is written: what a send leaves behind (the target stays; the time goes). */
export const EMPTY_MESSAGE = {
  title: EMPTY_DRAFT.title,
  body: EMPTY_DRAFT.body,
  translations: EMPTY_DRAFT.translations,
  urgency: EMPTY_DRAFT.urgency,
  requireAcknowledgement: EMPTY_DRAFT.requireAcknowledgement,
  sendAt: EMPTY_DRAFT.sendAt,
  template: EMPTY_DRAFT.template,
} satisfies Partial<Draft>;

/** The message part of a send, without its target and time. */
export function sentFields(input: SendInput): Fields {
  const { groupIds: _groups, deviceId: _device, deviceIds: _devices, sendAt: _sendAt, ...fields } = input;
  return fields;
}

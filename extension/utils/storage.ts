import { storage, type WxtStorageItem } from 'wxt/utils/storage';
import type { Urgency } from '../../shared/message';
import type { Device, Group, Template } from './api-types';
import type { EntraSession } from './entra-auth';

/** Every item the extension stores, with its fallback. All in storage.local: the token is never synced. */

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8787';

export const serverUrlItem = storage.defineItem<string>('local:serverUrl', { fallback: DEFAULT_SERVER_URL });

export const tokenItem = storage.defineItem<string>('local:token', { fallback: '' });

/** A Sign in with Microsoft as kept: the session and the Herald origin it was made for, the only one its token is sent to. */
export interface StoredEntraSession extends EntraSession {
  /** The Herald server's origin (`https://herald.contoso.example`) at sign-in. */
  server: string;
}

/** A Sign in with Microsoft: the tenant's registration, the Entra tokens and their server (local only, like the API token). */
export const entraSessionItem = storage.defineItem<StoredEntraSession | null>('local:entraSession', { fallback: null });

/** The Entra tenant id or domain last signed in to. */
export const entraTenantItem = storage.defineItem<string>('local:entraTenant', { fallback: '' });

/** An admin's own console: pages matching `pattern` whose URL yields a device id through `regex`'s first group. */
export interface ConsoleRule {
  id: string;
  pattern: string;
  regex: string;
}

export const consoleRulesItem = storage.defineItem<ConsoleRule[]>('local:consoleRules', { fallback: [] });

export interface Draft {
  title: string;
  body: string;
  mode: 'groups' | 'device' | 'devices';
  groups: Pick<Group, 'id' | 'displayName'>[];
  device: Device | null;
  /** The chips of a bulk device send (up to 100), in the order chosen; a draft saved before bulk sends has none. */
  devices?: Device[];
  /** The message in more languages, in the order their tabs were added. */
  translations: { language: string; title: string; body: string }[];
  urgency: Urgency;
  requireAcknowledgement: boolean;
  /** When to send: the date-time picker's value in the admin's time zone (`2026-12-07T15:30`), '' to send at once. */
  sendAt?: string;
  /** The template the message started from, as it was when chosen: a send names it and gives only what was changed. */
  template: DraftTemplate | null;
}

export type DraftTemplate = Pick<Template, 'id' | 'name' | 'title' | 'body' | 'translations' | 'urgency' | 'requireAcknowledgement'>;

export const EMPTY_DRAFT: Draft = {
  title: '',
  body: '',
  mode: 'groups',
  groups: [],
  device: null,
  devices: [],
  translations: [],
  urgency: 'normal',
  requireAcknowledgement: false,
  sendAt: '',
  template: null,
};

/** The composer's state, kept while the popup is closed. */
export const draftItem = storage.defineItem<Draft>('local:draft', { fallback: EMPTY_DRAFT });

/** A device a bulk send refused, as History lists it: the server's refusal and the device's name as the draft had it. */
export interface StoredRefusal {
  deviceId: string;
  name: string | null;
  code: string;
  message: string;
}

/** How many recent bulk sends keep their refused devices for History. */
export const REFUSALS_KEPT = 20;

/** The refused devices of the latest bulk sends, by notification id (the server's history does not keep them). */
export const refusalsItem = storage.defineItem<Record<string, StoredRefusal[]>>('local:refusals', { fallback: {} });

type ValueOf<Item> = Item extends WxtStorageItem<infer Value, Record<string, unknown>> ? Value : never;

/**
 * The values of `items` (each with its fallback) in one read of storage.local, where a `getValue` each makes as many
 * round trips. Only for items defined without `version`, `migrations` or `init`: unlike `getValue`, this read does
 * not wait for an item's migration to run, so it would return a value from before it.
 */
export async function valuesOf<const Items extends readonly WxtStorageItem<unknown, Record<string, unknown>>[]>(
  items: Items,
): Promise<{ -readonly [K in keyof Items]: ValueOf<Items[K]> }> {
  const found = await storage.getItems([...items]);
  return found.map((item) => item.value) as { -readonly [K in keyof Items]: ValueOf<Items[K]> };
}

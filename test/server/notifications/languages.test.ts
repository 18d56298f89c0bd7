import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_FREE_TITLE } from '../../../server/dispatch/compose';
import { deviceClient, startDispatchHerald, type DispatchHerald } from '../../helpers/dispatch';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import type { Api } from '../../helpers/herald';
import { apnsToken } from '../../helpers/push';
import { expectStatus } from '../../helpers/rbac';

let herald: DispatchHerald;
let api: Api;

const withLanguage = (id: string, preferredLanguage: string | null) => ({ ...user(id), preferredLanguage });
const iphone = (id: string, userId: string, token: number) => phone(id, userId, { push: { service: 'apns', token: apnsToken(token) } });
const android = (id: string, userId: string) =>
  phone(id, userId, { platform: 'android', app: 'companyPortal', appVersion: '5.0.6000.0', push: { service: 'fcm', token: `fcm-${id}` } });

const text = { title: 'Restart today', body: 'Restart your phone before 17:00.' };
const translations = {
  'fr-FR': { title: 'Redémarrez aujourd’hui', body: 'Redémarrez votre téléphone avant 17 h.' },
  'fr-BE': { title: 'Redémarrez (BE)', body: 'Redémarrez votre GSM avant 17 h.' },
  de: { title: 'Heute neu starten', body: 'Starten Sie Ihr Telefon vor 17 Uhr neu.' },
};

beforeAll(async () => {
  herald = await startDispatchHerald();
  api = herald.admin.api;
  await importDirectory(api, {
    users: [
      withLanguage('exact', 'fr-FR'),
      withLanguage('canada', 'fr-CA'),
      withLanguage('belgium', 'fr-be'),
      withLanguage('austria', 'de-AT'),
      withLanguage('spain', 'es-ES'),
      withLanguage('none', null),
    ],
    devices: [
      iphone('exact-ios', 'exact', 1),
      android('exact-android', 'exact'),
      iphone('canada-ios', 'canada', 2),
      android('canada-android', 'canada'),
      android('belgium-android', 'belgium'),
      iphone('austria-ios', 'austria', 3),
      iphone('spain-ios', 'spain', 4),
      android('none-android', 'none'),
      phone('spain-off', 'spain', { notificationsPermitted: false }),
    ],
    groups: [
      group(
        'all',
        ['exact', 'canada', 'belgium', 'austria', 'spain', 'none'].map((id) => ({ type: 'user' as const, id })),
      ),
    ],
  });
});
afterAll(() => herald.close());

const apnsAlert = (token: number, notificationId: string) =>
  herald.apns.received.find((r) => r.token === apnsToken(token) && JSON.stringify(r.payload).includes(notificationId))?.payload;
const fcmNotification = (deviceId: string, notificationId: string) =>
  herald.fcm.received.find((r) => r.token === `fcm-${deviceId}` && JSON.stringify(r.message).includes(notificationId))?.message;

describe('the variant each device gets', () => {
  let id: string;
  beforeAll(async () => {
    id = expectStatus(await api('POST', '/v1/notifications', { ...text, translations, groupIds: ['all'] }), 202).id;
    await herald.drain();
  });

  it('is the exact tag over APNs and FCM', () => {
    expect(apnsAlert(1, id)).toMatchObject({ aps: { alert: translations['fr-FR'] } });
    expect(fcmNotification('exact-android', id)).toMatchObject({ notification: translations['fr-FR'] });
    // a preferred language stored canonical (fr-be -> fr-BE) matches its translation exactly, before fr-FR
    expect(fcmNotification('belgium-android', id)).toMatchObject({ notification: translations['fr-BE'] });
  });

  it("is the first translation of the user's primary language when there is no exact one (fr-CA gets fr-FR, de-AT gets de)", () => {
    expect(apnsAlert(2, id)).toMatchObject({ aps: { alert: translations['fr-FR'] } });
    expect(fcmNotification('canada-android', id)).toMatchObject({ notification: translations['fr-FR'] });
    expect(apnsAlert(3, id)).toMatchObject({ aps: { alert: translations.de } });
  });

  it('is the default title and body for a language without a translation, and for a user without a language', () => {
    expect(apnsAlert(4, id)).toMatchObject({ aps: { alert: text } });
    expect(fcmNotification('none-android', id)).toMatchObject({ notification: text });
  });

  it('is recorded on each delivery as the tag the send gave (null for the default), skipped ones included, in device order', async () => {
    const { items } = expectStatus(await api('GET', `/v1/notifications/${id}/deliveries`), 200);
    const deviceIds = items.map((d: { deviceId: string }) => d.deviceId);
    // the snapshot still writes the deliveries in device order, though the users are joined in to choose the language
    expect(deviceIds).toEqual([...deviceIds].sort());
    const languages = Object.fromEntries(items.map((d: { deviceId: string; language: string | null }) => [d.deviceId, d.language]));
    expect(languages).toEqual({
      'exact-ios': 'fr-FR',
      'exact-android': 'fr-FR',
      'canada-ios': 'fr-FR',
      'canada-android': 'fr-FR',
      'belgium-android': 'fr-BE',
      'austria-ios': 'de',
      'spain-ios': null,
      'none-android': null,
      'spain-off': null,
    });
  });

  it('is counted per language by GET /v1/notifications/{id} (skipped devices not counted), and history keeps the translations', async () => {
    const view = expectStatus(await api('GET', `/v1/notifications/${id}`), 200);
    expect(view.languages).toEqual([
      { language: null, devices: 2 },
      { language: 'de', devices: 1 },
      { language: 'fr-BE', devices: 1 },
      { language: 'fr-FR', devices: 4 },
    ]);
    expect(view.translations).toEqual(translations);
    expect(view.templateId).toBeNull();
    const listed = expectStatus(await api('GET', '/v1/notifications'), 200).items.find((n: { id: string }) => n.id === id);
    expect(listed.languages).toEqual(view.languages);
  });

  it("is the device inbox's text, with its language", async () => {
    const device = await deviceClient(herald, api, 'canada-ios');
    const inbox = expectStatus(await device('GET', '/v1/device/notifications'), 200);
    expect(inbox.items.find((i: { id: string }) => i.id === id)).toMatchObject({ ...translations['fr-FR'], language: 'fr-FR' });
  });
});

describe('a send without translations', () => {
  it('gives every device the default text, counted as one language', async () => {
    const id = expectStatus(await api('POST', '/v1/notifications', { ...text, groupIds: ['all'] }), 202).id;
    await herald.drain();
    expect(apnsAlert(1, id)).toMatchObject({ aps: { alert: text } });
    expect(expectStatus(await api('GET', `/v1/notifications/${id}`), 200).languages).toEqual([{ language: null, devices: 8 }]);
  });
});

describe('content-free push', () => {
  it('pushes the generic title while the inbox holds the chosen variant', async () => {
    expectStatus(await api('PATCH', '/v1/tenant/settings', { contentFreePush: true }), 200);
    try {
      const id = expectStatus(await api('POST', '/v1/notifications', { ...text, translations, deviceId: 'exact-ios' }), 202).id;
      await herald.drain();
      expect(apnsAlert(1, id)).toMatchObject({ aps: { alert: { title: CONTENT_FREE_TITLE } } });
      expect(JSON.stringify(apnsAlert(1, id))).not.toContain('Redémarrez');
      const device = await deviceClient(herald, api, 'exact-ios');
      const inbox = expectStatus(await device('GET', '/v1/device/notifications'), 200);
      expect(inbox.items.find((i: { id: string }) => i.id === id)).toMatchObject({ ...translations['fr-FR'], language: 'fr-FR' });
    } finally {
      expectStatus(await api('PATCH', '/v1/tenant/settings', { contentFreePush: false }), 200);
    }
  });
});

describe('the preview', () => {
  it('says how many devices get each language, for a group and for one device', async () => {
    const groups = expectStatus(await api('POST', '/v1/notifications/preview', { translations, groupIds: ['all'] }), 200);
    expect(groups.audience).toMatchObject({ users: 6, devices: 8, skipped: { notificationsNotPermitted: 1 } });
    expect(groups.languages).toEqual([
      { language: null, devices: 2 },
      { language: 'de', devices: 1 },
      { language: 'fr-BE', devices: 1 },
      { language: 'fr-FR', devices: 4 },
    ]);
    const device = expectStatus(await api('POST', '/v1/notifications/preview', { translations, deviceId: 'canada-android' }), 200);
    expect(device.languages).toEqual([{ language: 'fr-FR', devices: 1 }]);
    const plain = expectStatus(await api('POST', '/v1/notifications/preview', { groupIds: ['all'] }), 200);
    expect(plain.languages).toEqual([{ language: null, devices: 8 }]);
  });
});

describe('translations are checked like the default text', () => {
  const send = (body: unknown) => api('POST', '/v1/notifications', { ...text, deviceId: 'exact-ios', ...(body as object) });

  it('a translated title over 50 characters is a 400 naming the language and the field', async () => {
    const res = await send({ translations: { 'fr-FR': { title: 'é'.repeat(51), body: 'ok' } } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^translations\.fr-FR\.title: /);
  });

  it('an empty translated body is a 400 naming the language and the field', async () => {
    const res = await send({ translations: { de: { title: 'Hallo', body: '   ' } } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^translations\.de\.body: /);
  });

  it('a translation whose push would exceed 4096 bytes is a 400 messageTooLarge naming the language', async () => {
    const res = await send({ translations: { 'es-ES': { title: 'Hola', body: '👩🏽‍💻'.repeat(500) } } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('messageTooLarge');
    expect(res.body.error.message).toMatch(/^translations\.es-ES\.body: .*at most 4096 bytes/);
  });

  it('more than 20 languages, a tag that is no language and two spellings of one language are refused', async () => {
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`a${String.fromCharCode(97 + i)}`, text]));
    expect((await send({ translations: many })).body.error.message).toMatch(/^translations: has 21 languages; the limit is 20/);
    expect((await send({ translations: { 'not a tag!': text } })).body.error.message).toMatch(/^translations\.not a tag!: /);
    expect((await send({ translations: { 'fr-FR': text, 'fr-fr': text } })).status).toBe(400);
  });

  it('too many languages are refused before any text is checked: a near-megabyte of hostile translations answers at once', async () => {
    const hostile = `a${'\u0301\u0316'.repeat(3000)}`; // one character of 6001 UTF-16 units: tens of ms to normalise
    const many = Object.fromEntries(
      Array.from({ length: 36 }, (_, i) => [`a${String.fromCharCode(97 + (i % 26))}-${i + 100}`, { title: hostile, body: hostile }]),
    );
    const start = performance.now();
    const res = await send({ translations: many });
    const ms = performance.now() - start;
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('translations: has 36 languages; the limit is 20.');
    expect(ms).toBeLessThan(1000);
  });

  it('a refused send uses no quota and writes no notification', async () => {
    const before = expectStatus(await api('GET', '/v1/notifications?limit=200'), 200).items.length;
    await send({ translations: { 'fr-FR': { title: 'é'.repeat(51), body: 'ok' } } });
    expect(expectStatus(await api('GET', '/v1/notifications?limit=200'), 200).items.length).toBe(before);
  });
});

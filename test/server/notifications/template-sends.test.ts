import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDispatchHerald, type DispatchHerald } from '../../helpers/dispatch';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import type { Api } from '../../helpers/herald';
import { apnsToken } from '../../helpers/push';
import { accountWith, customRole, expectStatus } from '../../helpers/rbac';

let herald: DispatchHerald;
let api: Api;
let templateId: string;

const template = {
  name: 'Restart',
  title: 'Restart your phone',
  body: 'Restart it today so the update installs.',
  translations: { 'fr-FR': { title: 'Redémarrez votre téléphone', body: 'Redémarrez-le aujourd’hui.' } },
};

beforeAll(async () => {
  herald = await startDispatchHerald();
  api = herald.admin.api;
  await importDirectory(api, {
    users: [user('en'), { ...user('fr'), preferredLanguage: 'fr-CA' }],
    devices: [
      phone('en-ios', 'en', { push: { service: 'apns', token: apnsToken(1) } }),
      phone('fr-ios', 'fr', { push: { service: 'apns', token: apnsToken(2) } }),
    ],
    groups: [
      group('both', [
        { type: 'user', id: 'en' },
        { type: 'user', id: 'fr' },
      ]),
    ],
  });
  templateId = expectStatus(await api('POST', '/v1/templates', template), 201).id;
});
afterAll(() => herald.close());

const alertFor = (token: number, notificationId: string) =>
  herald.apns.received.find((r) => r.token === apnsToken(token) && JSON.stringify(r.payload).includes(notificationId))?.payload;

describe('a send with templateId', () => {
  it("uses the template's title, body and translations, and history shows the template", async () => {
    const id = expectStatus(await api('POST', '/v1/notifications', { templateId, groupIds: ['both'] }), 202).id;
    await herald.drain();
    expect(alertFor(1, id)).toMatchObject({ aps: { alert: { title: template.title, body: template.body } } });
    expect(alertFor(2, id)).toMatchObject({ aps: { alert: template.translations['fr-FR'] } });
    const view = expectStatus(await api('GET', `/v1/notifications/${id}`), 200);
    expect(view).toMatchObject({ templateId, title: template.title, body: template.body, translations: template.translations });
    expect(view.languages).toEqual([
      { language: null, devices: 1 },
      { language: 'fr-FR', devices: 1 },
    ]);
    const listed = expectStatus(await api('GET', '/v1/notifications'), 200).items.find((n: { id: string }) => n.id === id);
    expect(listed.templateId).toBe(templateId);
  });

  it('takes any field the send gives over the template’s', async () => {
    const title = 'Restart tonight';
    const translations = { de: { title: 'Heute Abend neu starten', body: 'Bitte heute Abend.' } };
    const id = expectStatus(await api('POST', '/v1/notifications', { templateId, title, translations, groupIds: ['both'] }), 202).id;
    await herald.drain();
    expect(alertFor(1, id)).toMatchObject({ aps: { alert: { title, body: template.body } } });
    // the send's translations replace the template's: no French one is left for the fr-CA user
    expect(alertFor(2, id)).toMatchObject({ aps: { alert: { title, body: template.body } } });
    expect(expectStatus(await api('GET', `/v1/notifications/${id}`), 200)).toMatchObject({ templateId, title, translations });
  });

  it('is previewed with the template’s languages', async () => {
    const preview = expectStatus(await api('POST', '/v1/notifications/preview', { templateId, groupIds: ['both'] }), 200);
    expect(preview.languages).toEqual([
      { language: null, devices: 1 },
      { language: 'fr-FR', devices: 1 },
    ]);
  });

  it('answers 404 for a template the tenant does not have (another tenant’s included), sending nothing', async () => {
    const before = expectStatus(await api('GET', '/v1/notifications?limit=200'), 200).items.length;
    const unknown = await api('POST', '/v1/notifications', { templateId: 'no-such-template', deviceId: 'en-ios' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'notFound', message: "Template 'no-such-template' was not found." });

    const other = await herald.newTenant('Fabrikam');
    await importDirectory(other.api, { users: [user('x')], devices: [phone('x-ios', 'x')] });
    expect((await other.api('POST', '/v1/notifications', { templateId, deviceId: 'x-ios' })).status).toBe(404);
    expect((await other.api('POST', '/v1/notifications/preview', { templateId, deviceId: 'x-ios' })).status).toBe(404);
    expect(expectStatus(await api('GET', '/v1/notifications?limit=200'), 200).items.length).toBe(before);
  });

  it('without a templateId, still needs its own title and body', async () => {
    const res = await api('POST', '/v1/notifications', { body: 'No title', deviceId: 'en-ios' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('title: title is required (or give templateId).');
  });

  it('is checked again as a whole: a send title and a template body that together exceed a push are refused', async () => {
    const wide = expectStatus(await api('POST', '/v1/templates', { name: 'Wide', title: 'Wide', body: '👩🏽‍💻'.repeat(250) }), 201);
    expect((await api('POST', '/v1/notifications', { templateId: wide.id, deviceId: 'en-ios' })).status).toBe(202);
    const res = await api('POST', '/v1/notifications', { templateId: wide.id, title: '👩🏽‍💻'.repeat(50), deviceId: 'en-ios' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('messageTooLarge');
  });

  it('needs only the send’s own permission: reading the template needs nothing more', async () => {
    const sender = await accountWith(herald, [{ roleId: await customRole(herald, ['RemoteTasks.SendCustomNotifications']) }]);
    expect((await sender.api('GET', `/v1/templates/${templateId}`)).status).toBe(403);
    const res = await sender.api('POST', '/v1/notifications', { templateId, deviceId: 'fr-ios' });
    expect(res.status).toBe(202);
    // and a template does not widen it: a group send still needs Organization.Update
    expect((await sender.api('POST', '/v1/notifications', { templateId, groupIds: ['both'] })).status).toBe(403);
  });
});

describe('deleting a template', () => {
  it('leaves the sends made with it intact, their templateId included', async () => {
    const made = expectStatus(await api('POST', '/v1/templates', { ...template, name: 'Short-lived' }), 201);
    const id = expectStatus(await api('POST', '/v1/notifications', { templateId: made.id, deviceId: 'fr-ios' }), 202).id;
    expect((await api('DELETE', `/v1/templates/${made.id}`)).status).toBe(204);
    const view = expectStatus(await api('GET', `/v1/notifications/${id}`), 200);
    expect(view).toMatchObject({ templateId: made.id, title: template.title, body: template.body, translations: template.translations });
    await herald.drain();
    expect(alertFor(2, id)).toMatchObject({ aps: { alert: template.translations['fr-FR'] } });
  });
});

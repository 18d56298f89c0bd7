import { describe, expect, it, vi } from 'vitest';
import browser from 'webextension-polyfill';
import type { Template } from '../../../extension/utils/api-types';
import { type FakeRequest, settle } from '../fake-herald';
import { renderPopup } from '../render';

const me = (permissions: string[]) => ({
  body: {
    tenant: { id: 't1', name: 'Contoso' },
    account: { id: 'a1', email: 'admin@contoso.example' },
    permissions,
    scopes: [],
  },
});
const ADMIN = ['Organization.Read', 'Organization.Update', 'RemoteTasks.SendCustomNotifications', 'RemoteTasks.SendUrgentNotifications'];
const HELP_DESK = ['Organization.Read', 'ManagedDevices.Read', 'RemoteTasks.SendCustomNotifications'];

const restart: Template = {
  id: 'tpl-1',
  name: 'Restart needed',
  title: 'Restart your phone',
  body: 'Restart today to finish the update.',
  translations: { 'fr-FR': { title: 'Redémarrez', body: 'Redémarrez aujourd’hui.' } },
  urgency: 'high',
  requireAcknowledgement: true,
  createdAt: '2030-01-01T10:00:00.000Z',
  updatedAt: '2030-01-01T10:00:00.000Z',
};

const quotas = () => ({
  body: { groupSends: { limit: 25, used: 0, resetsAt: null, available: 25, scheduled: 0 }, deviceSends: { limitPerDevice: 10 } },
});

/** A popup whose /v1/me has `permissions`, with one template to find and the preview answering per language. */
async function popup(permissions = ADMIN) {
  const searches: string[] = [];
  const previews: FakeRequest['body'][] = [];
  const ui = await renderPopup({
    'GET /v1/me': () => me(permissions),
    'GET /v1/quotas': quotas,
    'GET /v1/templates': (req) => {
      searches.push(req.query.get('search') ?? '');
      return { body: { items: [restart], nextCursor: null } };
    },
    'POST /v1/notifications/preview': (req) => {
      previews.push(req.body);
      return {
        body: {
          target: { type: 'groups', groupIds: req.body.groupIds },
          audience: { users: 9, devices: 12, skipped: {} },
          languages: req.body.translations
            ? [
                { language: null, devices: 9 },
                { language: 'fr-FR', devices: 3 },
              ]
            : [{ language: null, devices: 12 }],
        },
      };
    },
  });
  return { ...ui, searches, previews };
}

/** Types a tag in "Add a language" and adds it. */
async function addLanguage(ui: Awaited<ReturnType<typeof popup>>, tag: string) {
  ui.type(ui.byLabel('Add a language'), tag);
  ui.button('Add language').click();
  await settle();
}

/** A message to the group Leeds in English and French. */
async function closedInFrench(ui: Awaited<ReturnType<typeof popup>>) {
  ui.state.draft.groups.value = [{ id: 'g1', displayName: 'Leeds' }];
  ui.type(ui.byLabel('Title'), 'Closed');
  ui.type(ui.byLabel<HTMLTextAreaElement>('Body'), 'The office is closed.');
  await addLanguage(ui, 'fr-FR');
}

async function chooseTemplate(ui: Awaited<ReturnType<typeof popup>>) {
  ui.type(ui.byLabel('Template'), 'resta');
  await vi.waitFor(() => expect(ui.root.querySelector('#template-search-list li')).not.toBeNull());
  ui.root.querySelector<HTMLElement>('#template-search-list li')!.click();
  await settle();
}

describe('the composer: template', () => {
  it('is found by name and fills title, body, languages, urgency and acknowledgement, which stay editable', async () => {
    const ui = await popup();
    await chooseTemplate(ui);
    expect(ui.searches).toEqual(['resta']);
    expect(ui.byLabel('Title').value).toBe('Restart your phone');
    expect(ui.byLabel<HTMLTextAreaElement>('Body').value).toBe('Restart today to finish the update.');
    expect(ui.byLabel('fr-FR title').value).toBe('Redémarrez');
    expect(ui.byLabel('High').checked).toBe(true);
    expect(ui.byLabel('Require acknowledgement').checked).toBe(true);
    expect(ui.text('template-used')).toContain('From template “Restart needed”');

    ui.type(ui.byLabel('Title'), 'Restart your phone now');
    expect(ui.byLabel('Title').value).toBe('Restart your phone now');
  });

  it('sends its id and only what was changed from it', async () => {
    const ui = await popup();
    ui.state.draft.groups.value = [{ id: 'g1', displayName: 'Leeds' }];
    await chooseTemplate(ui);
    expect(ui.state.input.value).toEqual({ templateId: 'tpl-1', groupIds: ['g1'] });

    ui.type(ui.byLabel<HTMLTextAreaElement>('Body'), 'Restart before 5 pm.');
    ui.byLabel('Normal').click();
    await settle();
    expect(ui.state.input.value).toEqual({ templateId: 'tpl-1', body: 'Restart before 5 pm.', urgency: 'normal', groupIds: ['g1'] });
    const send = vi.spyOn(browser.runtime, 'sendMessage').mockResolvedValue({
      ok: true,
      value: { id: 'n1', status: 'queued', target: { type: 'groups', groupIds: ['g1'] }, audience: { users: 1, devices: 1, skipped: {} } },
    });
    ui.button('Review').click();
    await settle();
    ui.button('Send').click();
    await settle();
    expect(send).toHaveBeenCalledWith({
      type: 'send',
      input: { templateId: 'tpl-1', body: 'Restart before 5 pm.', urgency: 'normal', groupIds: ['g1'] },
    });
  });
});

describe('the composer: languages', () => {
  it('adds a tab per valid BCP 47 tag, each with its own live counters, and refuses a bad or repeated tag', async () => {
    const ui = await popup();
    await addLanguage(ui, 'not a tag');
    expect(ui.root.querySelector('#language-problem')?.textContent).toBe("'not a tag' is not a BCP 47 language tag (e.g. fr-FR).");

    await addLanguage(ui, 'de-de');
    ui.type(ui.byLabel('de-DE title'), 'Neustart');
    expect(ui.root.querySelector('#field-title-de-DE-counter')?.textContent).toBe('8/50');
    ui.type(ui.byLabel<HTMLTextAreaElement>('de-DE body'), 'x'.repeat(501));
    expect(ui.root.querySelector('#field-body-de-DE-counter')?.textContent).toBe('501/500');
    expect(ui.root.querySelector('#field-body-de-DE-problem')?.textContent).toBe('body is 501 characters; the limit is 500.');

    await addLanguage(ui, 'DE-DE');
    expect(ui.root.querySelector('#language-problem')?.textContent).toBe('de-DE is already added.');

    await addLanguage(ui, 'fr-FR');
    expect([...ui.root.querySelectorAll('[role="tab"]')].map((t) => [t.textContent, t.getAttribute('aria-selected')])).toEqual([
      ['de-DE', 'false'],
      ['fr-FR', 'true'],
    ]);
    expect(ui.byLabel('fr-FR title').value).toBe('');
  });

  it('hold Send back until every language has a title and body within the limits', async () => {
    const ui = await popup();
    await closedInFrench(ui);
    expect(ui.state.blocker.value).toBe('fr-FR: Add a title.');
    ui.type(ui.byLabel('fr-FR title'), 'Fermé');
    ui.type(ui.byLabel<HTMLTextAreaElement>('fr-FR body'), 'Le bureau est fermé.');
    await settle();
    expect(ui.state.blocker.value).toBeNull();
    expect(ui.state.input.value).toEqual({
      title: 'Closed',
      body: 'The office is closed.',
      translations: { 'fr-FR': { title: 'Fermé', body: 'Le bureau est fermé.' } },
      groupIds: ['g1'],
    });
  });

  it('show in the review how many devices get each language, from the preview', async () => {
    const ui = await popup();
    await closedInFrench(ui);
    ui.type(ui.byLabel('fr-FR title'), 'Fermé');
    ui.type(ui.byLabel<HTMLTextAreaElement>('fr-FR body'), 'Le bureau est fermé.');
    await settle();
    ui.button('Review').click();
    await vi.waitFor(() => expect(ui.text('reach-languages')).toBe('3 devices fr-FR, 9 devices the default text.'));
    expect(ui.previews.at(-1)).toEqual({ groupIds: ['g1'], translations: { 'fr-FR': { title: 'Fermé', body: 'Le bureau est fermé.' } } });
    expect(ui.text('review-languages')).toBe('fr-FR and the default text');
  });
});

describe('the composer: urgency and acknowledgement', () => {
  it('offers high, explained in one line, to those allowed to send it', async () => {
    const ui = await popup(ADMIN);
    await vi.waitFor(() => expect(ui.byLabel('High')).toBeTruthy());
    expect(ui.root.querySelector('#urgency-hint')?.textContent).toMatch(/^High breaks through Focus and Do Not Disturb/);
    ui.byLabel('High').click();
    ui.byLabel('Require acknowledgement').click();
    ui.type(ui.byLabel('Title'), 'Fire');
    ui.type(ui.byLabel<HTMLTextAreaElement>('Body'), 'Leave now.');
    await settle();
    expect(ui.state.input.value).toMatchObject({ title: 'Fire', urgency: 'high', requireAcknowledgement: true });
  });

  it('does not offer high to a Help Desk Operator, and a template asking for it blocks the send in words', async () => {
    const ui = await popup(HELP_DESK);
    await settle();
    expect([...ui.root.querySelectorAll('input[name="urgency"]')].map((r) => (r as HTMLInputElement).value)).toEqual(['low', 'normal']);
    expect(ui.root.querySelector('#urgency-hint')?.textContent).toBe('');
    ui.state.draft.groups.value = [{ id: 'g1', displayName: 'Leeds' }];
    await chooseTemplate(ui);
    expect(ui.state.blocker.value).toBe('High urgency needs the permission RemoteTasks.SendUrgentNotifications; choose Normal or Low.');
    ui.byLabel('Normal').click();
    await settle();
    expect(ui.state.blocker.value).toBeNull();
    expect([...ui.root.querySelectorAll('input[name="urgency"]')].map((r) => (r as HTMLInputElement).value)).toEqual(['low', 'normal']);
  });
});

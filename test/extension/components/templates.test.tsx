import { describe, expect, it, vi } from 'vitest';
import type { Template } from '../../../extension/utils/api-types';
import { draftItem, EMPTY_DRAFT, tokenItem } from '../../../extension/utils/storage';
import { fakeFetch, type FakeRequest } from '../fake-herald';
import { renderOptions } from '../render';

const template = (id: string, name: string): Template => ({
  id,
  name,
  title: `${name} title`,
  body: 'Body',
  translations: {},
  urgency: 'normal',
  requireAcknowledgement: false,
  createdAt: '2030-01-01T10:00:00.000Z',
  updatedAt: '2030-01-01T10:00:00.000Z',
});

const me = (wholeTenantUpdate: boolean) => ({
  tenant: { id: 't1', name: 'Contoso' },
  account: { id: 'a1', email: 'admin@contoso.example' },
  permissions: wholeTenantUpdate ? ['Organization.Read', 'Organization.Update'] : ['Organization.Read'],
  scopes: [
    {
      roleId: 'r',
      roleName: 'R',
      permissions: wholeTenantUpdate ? ['Organization.Read', 'Organization.Update'] : ['Organization.Read'],
      scope: { type: 'all' },
    },
  ],
});

/** Options on a fake Herald holding `stored` templates; every write is recorded. */
async function options(manager: boolean, stored: Template[]) {
  const writes: Pick<FakeRequest, 'method' | 'path' | 'body'>[] = [];
  const list = [...stored];
  vi.stubGlobal(
    'fetch',
    fakeFetch({
      'GET /v1/me': () => ({ body: me(manager) }),
      'GET /v1/directory/status': () => ({ status: 404, body: { error: { code: 'notFound', message: 'none' } } }),
      'GET /v1/templates': () => ({ body: { items: list, nextCursor: null } }),
      'POST /v1/templates': (req) => {
        writes.push(req);
        if (list.some((t) => t.name === req.body.name))
          return { status: 409, body: { error: { code: 'conflict', message: `A template named ${req.body.name} exists.` } } };
        const created = { ...template('tpl-new', req.body.name), ...req.body };
        list.push(created);
        return { status: 201, body: created };
      },
      'PATCH /v1/templates/tpl-1': (req) => {
        writes.push(req);
        list[0] = { ...list[0]!, ...req.body };
        return { body: list[0] };
      },
      'DELETE /v1/templates/tpl-1': (req) => {
        writes.push(req);
        list.shift();
        return { status: 204 };
      },
    }),
  );
  await tokenItem.setValue('hrd_saved');
  const ui = await renderOptions();
  await vi.waitFor(() => expect(ui.root.querySelectorAll('[data-testid="template"]')).toHaveLength(stored.length));
  const names = () => [...ui.root.querySelectorAll('[data-testid="template"] strong')].map((n) => n.textContent);
  return { ...ui, writes, names };
}

describe('options: templates', () => {
  it('saves the popup’s draft, languages and options included, as a template under a name', async () => {
    await draftItem.setValue({
      ...EMPTY_DRAFT,
      title: 'Restart your phone',
      body: 'Restart today.',
      translations: [{ language: 'fr-FR', title: 'Redémarrez', body: 'Aujourd’hui.' }],
      urgency: 'high',
      requireAcknowledgement: true,
    });
    const ui = await options(true, []);
    ui.type(ui.byLabel('Template name'), 'Restart');
    ui.button('Save the draft as a template').click();
    await vi.waitFor(() => expect(ui.text('templates-result')).toBe('Saved the draft as the template “Restart”.'));
    expect(ui.writes[0]?.body).toEqual({
      name: 'Restart',
      title: 'Restart your phone',
      body: 'Restart today.',
      translations: { 'fr-FR': { title: 'Redémarrez', body: 'Aujourd’hui.' } },
      urgency: 'high',
      requireAcknowledgement: true,
    });
    await vi.waitFor(() => expect(ui.names()).toEqual(['Restart']));
  });

  it('says why a draft cannot be saved: an empty draft before asking, a taken name from the server', async () => {
    await draftItem.setValue({ ...EMPTY_DRAFT, title: 'Drill', body: '' });
    const ui = await options(true, [template('tpl-1', 'Drill')]);
    ui.type(ui.byLabel('Template name'), 'Drill');
    ui.button('Save the draft as a template').click();
    await vi.waitFor(() => expect(ui.text('templates-result')).toBe('Not saved: the draft’s body is empty; it needs 1 to 500 characters.'));
    expect(ui.writes).toEqual([]);
    await draftItem.setValue({ ...EMPTY_DRAFT, title: 'Drill', body: 'At 3 pm.' });
    ui.button('Save the draft as a template').click();
    await vi.waitFor(() => expect(ui.text('templates-result')).toBe('Not saved: A template named Drill exists.'));
  });

  it('renames and deletes a template', async () => {
    const ui = await options(true, [template('tpl-1', 'Drill')]);
    ui.button('Rename Drill').click();
    await vi.waitFor(() => expect(ui.byLabel('New name for Drill')).toBeTruthy());
    ui.type(ui.byLabel('New name for Drill'), 'Fire drill');
    ui.button('Save name').click();
    await vi.waitFor(() => expect(ui.names()).toEqual(['Fire drill']));
    expect(ui.writes.at(-1)).toMatchObject({ method: 'PATCH', body: { name: 'Fire drill' } });

    ui.button('Delete Fire drill').click();
    await vi.waitFor(() => expect(ui.text('templates-result')).toBe('Deleted “Fire drill”; messages sent with it are kept.'));
    expect(ui.names()).toEqual([]);
    expect(ui.writes.at(-1)?.method).toBe('DELETE');
  });

  it('is a read-only list without Organization.Update over the whole tenant', async () => {
    const ui = await options(false, [template('tpl-1', 'Drill')]);
    expect(ui.names()).toEqual(['Drill']);
    expect(ui.root.querySelector('.templates button')).toBeNull();
    expect(ui.root.querySelector('#template-name')).toBeNull();
    expect([...ui.root.querySelectorAll('.templates .hint')].map((p) => p.textContent)).toContain(
      'Only those with Organization.Update over the whole tenant can change templates.',
    );
  });
});

import { describe, expect, it, vi } from 'vitest';
import { createAppState, SCHEMAS_FAILED } from '../../../extension/components/app-state';
import { type Draft, draftItem, EMPTY_DRAFT } from '../../../extension/utils/storage';
import { fakeApi, settle } from '../fake-herald';
import { renderPopup } from '../render';

describe('drafts', () => {
  it('survive closing the popup: what was typed is back when it opens again', async () => {
    const first = await renderPopup({});
    first.type(first.byLabel('Title'), 'Fire drill');
    first.type(first.byLabel<HTMLTextAreaElement>('Body'), 'At 3 pm, leave by the stairs.');
    first.state.draft.groups.value = [{ id: 'g1', displayName: 'Everyone' }];
    first.type(first.byLabel('Add a language'), 'fr-fr');
    first.button('Add language').click();
    await settle();
    first.type(first.byLabel('fr-FR title'), 'Exercice incendie');
    first.type(first.byLabel<HTMLTextAreaElement>('fr-FR body'), 'À 15 h, sortez par l’escalier.');
    first.byLabel('Low').click();
    first.byLabel('Require acknowledgement').click();
    await settle();
    first.root.remove();

    expect(await draftItem.getValue()).toEqual({
      title: 'Fire drill',
      body: 'At 3 pm, leave by the stairs.',
      mode: 'groups',
      groups: [{ id: 'g1', displayName: 'Everyone' }],
      device: null,
      devices: [],
      translations: [{ language: 'fr-FR', title: 'Exercice incendie', body: 'À 15 h, sortez par l’escalier.' }],
      urgency: 'low',
      requireAcknowledgement: true,
      sendAt: '',
      template: null,
    });
    const second = await renderPopup({});
    expect(second.byLabel('Title').value).toBe('Fire drill');
    expect(second.byLabel<HTMLTextAreaElement>('Body').value).toBe('At 3 pm, leave by the stairs.');
    expect(second.root.querySelector('#field-body-counter')?.textContent).toBe('29/500');
    expect([...second.root.querySelectorAll('.chip span')].map((c) => c.textContent)).toEqual(['Everyone']);
    expect(second.byLabel('fr-FR title').value).toBe('Exercice incendie');
    expect(second.root.querySelector('#field-body-fr-FR-counter')?.textContent).toBe('30/500');
    expect(second.byLabel('Low').checked).toBe(true);
    expect(second.byLabel('Require acknowledgement').checked).toBe(true);
  });

  it('saved before languages, urgency and acknowledgement existed, open with their defaults', async () => {
    await draftItem.setValue({ title: 'Old', body: 'Draft', mode: 'groups', groups: [], device: null } as unknown as Draft);
    const popup = await renderPopup({});
    expect(popup.byLabel('Title').value).toBe('Old');
    expect(popup.byLabel('Normal').checked).toBe(true);
    expect(popup.byLabel('Require acknowledgement').checked).toBe(false);
    expect(popup.state.draft.translations.value).toEqual([]);
    expect(popup.state.input.value).toEqual({ title: 'Old', body: 'Draft', groupIds: [] });
  });

  it('ready to go when opened, offers Send only once the send schema, loaded after the first paint, has checked it', async () => {
    await draftItem.setValue({ ...EMPTY_DRAFT, title: 'Fire drill', body: 'Leave now.', groups: [{ id: 'g1', displayName: 'Everyone' }] });
    const state = createAppState(fakeApi({}));
    state.load(await draftItem.getValue());
    expect(state.loaded.value).toBe(true);
    expect(state.blocker.value).toBe('Checking the message…');
    await vi.waitFor(() => expect(state.blocker.value).toBeNull());
  });

  it('says so, and never offers Send, when the schemas cannot load', async () => {
    await draftItem.setValue({ ...EMPTY_DRAFT, title: 'Fire drill', body: 'Leave now.', groups: [{ id: 'g1', displayName: 'Everyone' }] });
    const state = createAppState(fakeApi({}), undefined, () => Promise.reject(new Error('chunk gone')));
    state.load(await draftItem.getValue());
    await vi.waitFor(() => expect(state.blocker.value).toBe(SCHEMAS_FAILED));
  });
});

import { describe, expect, it } from 'vitest';
import { draftItem } from '../../../extension/utils/storage';
import { settle } from '../fake-herald';
import { renderPopup } from '../render';

describe('drafts', () => {
  it('survive closing the popup: what was typed is back when it opens again', async () => {
    const first = await renderPopup({});
    first.type(first.byLabel('Title'), 'Fire drill');
    first.type(first.byLabel<HTMLTextAreaElement>('Body'), 'At 3 pm, leave by the stairs.');
    first.state.draft.groups.value = [{ id: 'g1', displayName: 'Everyone' }];
    await settle();
    first.root.remove();

    expect(await draftItem.getValue()).toEqual({
      title: 'Fire drill',
      body: 'At 3 pm, leave by the stairs.',
      mode: 'groups',
      groups: [{ id: 'g1', displayName: 'Everyone' }],
      device: null,
    });
    const second = await renderPopup({});
    expect(second.byLabel('Title').value).toBe('Fire drill');
    expect(second.byLabel<HTMLTextAreaElement>('Body').value).toBe('At 3 pm, leave by the stairs.');
    expect(second.root.querySelector('#field-body-counter')?.textContent).toBe('29/500');
    expect([...second.root.querySelectorAll('.chip span')].map((c) => c.textContent)).toEqual(['Everyone']);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { draftItem, EMPTY_DRAFT, entraSessionItem, serverUrlItem, tokenItem, valuesOf } from '../../../extension/utils/storage';

describe('valuesOf', () => {
  it('reads what the popup starts from in one round trip to storage.local, each item with its fallback when unset', async () => {
    const draft = { ...EMPTY_DRAFT, title: 'Fire drill' };
    await serverUrlItem.setValue('https://herald.example.com');
    await draftItem.setValue(draft);
    const get = vi.spyOn(fakeBrowser.storage.local, 'get');
    const values = await valuesOf([serverUrlItem, tokenItem, entraSessionItem, draftItem]);
    expect(values).toEqual(['https://herald.example.com', '', null, draft]);
    expect(get).toHaveBeenCalledTimes(1);
  });
});

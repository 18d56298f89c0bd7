import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { HeraldError } from '../../../extension/utils/api';
import { messageListener } from '../../../extension/utils/messages';
import { group, type FakeRequest } from '../fake-herald';
import { renderPopup } from '../render';

const groups = [group('g-sales', 'Sales'), group('g-sales-eu', 'Sales Europe'), group('g-field', 'Field staff')];
const previewed: FakeRequest[] = [];
const routes = {
  'GET /v1/groups': (req: FakeRequest) => ({
    body: { items: groups.filter((g) => g.displayName.toLowerCase().includes(req.query.get('search')!.toLowerCase())), nextCursor: null },
  }),
  'POST /v1/notifications/preview': (req: FakeRequest) => {
    previewed.push(req);
    const n = req.body.groupIds.length;
    return {
      body: {
        target: { type: 'groups', groupIds: req.body.groupIds },
        audience: { users: 10 * n, devices: 12 * n, skipped: { unsupportedPlatform: n } },
      },
    };
  },
  'GET /v1/quotas': () => ({
    body: { groupSends: { limit: 25, used: 3, resetsAt: null, available: 20, scheduled: 2 }, deviceSends: { limitPerDevice: 10 } },
  }),
  'GET /v1/notifications/n-9': () => ({
    body: { id: 'n-9', counts: { queued: 24, sent: 0, delivered: 0, opened: 0, failed: 0, skipped: 2, expired: 0 } },
  }),
};

async function chooseGroup(ui: Awaited<ReturnType<typeof renderPopup>>, search: string, downs = 0) {
  const box = ui.byLabel('Add groups');
  ui.type(box, search);
  await vi.waitFor(() => expect(ui.root.querySelector('#group-search-list')?.hasAttribute('hidden')).toBe(false));
  for (let i = 0; i < downs; i++) ui.key(box, 'ArrowDown');
  ui.key(box, 'Enter');
}

describe('sending to groups', () => {
  it('chooses groups with the keyboard as chips, counts them N/25 and previews the reach live', async () => {
    const ui = await renderPopup(routes);
    await chooseGroup(ui, 'sales', 1);
    await vi.waitFor(() => expect(ui.text('reach')).toBe('Reaches 10 users on 12 devices. Skipped: 1 macOS or Windows.'));
    expect([...ui.root.querySelectorAll('.chip span')].map((c) => c.textContent)).toEqual(['Sales Europe']);
    expect(ui.root.querySelector('.chips-head .counter')?.textContent).toBe('1/25');
    expect(ui.text('announcer')).toBe('Added group Sales Europe. 1 of 25 groups.');
    // two scheduled sends hold slots a send made now needs: what is left is what the server would accept
    expect(ui.text('quota')).toBe('Group sends left this hour: 20 of 25. 2 scheduled within the hour.');

    await chooseGroup(ui, 'field');
    await vi.waitFor(() => expect(ui.text('reach')).toMatch(/^Reaches 20 users on 24 devices/));
    ui.button('Remove group Sales Europe').click();
    await vi.waitFor(() => expect(ui.root.querySelector('.chips-head .counter')?.textContent).toBe('1/25'));
    expect(previewed.at(-1)?.body).toEqual({ groupIds: ['g-field'] });
  });

  it('goes through Review (title, body, groups, reach) before Send, then shows id and live counts', async () => {
    const ui = await renderPopup(routes);
    ui.type(ui.byLabel('Title'), 'Office closed');
    ui.type(ui.byLabel<HTMLTextAreaElement>('Body'), 'The building is closed today.');
    await chooseGroup(ui, 'sales');
    await vi.waitFor(() => expect(ui.button('Review').disabled).toBe(false));
    expect(() => ui.button('Send')).toThrow();

    ui.button('Review').click();
    await vi.waitFor(() => expect(ui.text('review-title')).toBe('Office closed'));
    expect(ui.root.querySelector('.review')?.textContent).toContain('Sales');
    await vi.waitFor(() => expect(ui.text('reach')).toMatch(/^Reaches 10 users/));

    const sent = vi.fn(async () => ({
      id: 'n-9',
      status: 'queued' as const,
      target: { type: 'groups' as const, groupIds: ['g-sales'] },
      audience: { users: 10, devices: 24, skipped: {} },
    }));
    fakeBrowser.runtime.onMessage.addListener(messageListener({ send: sent, openComposer: vi.fn(), deviceIdForUrl: vi.fn() }));
    ui.button('Send').click();
    await vi.waitFor(() => expect(ui.text('sent-id')).toBe('n-9'));
    expect(sent).toHaveBeenCalledWith(
      { input: { title: 'Office closed', body: 'The building is closed today.', groupIds: ['g-sales'] } },
      expect.anything(),
    );
    await vi.waitFor(() => expect(ui.root.querySelector('[data-stage="queued"] .stage-count')?.textContent).toBe('24'));
    expect(ui.text('announcer')).toBe('Sent: notification n-9, queued for 10 users on 24 devices.');
    expect(ui.state.draft.title.value).toBe('');
  });

  it("shows the server's refusal in words: when the quota frees", async () => {
    const ui = await renderPopup(routes);
    ui.state.draft.title.value = 'Hi';
    ui.state.draft.body.value = 'There';
    ui.state.draft.groups.value = [groups[0]!];
    ui.state.view.value = 'review';
    fakeBrowser.runtime.onMessage.addListener(
      messageListener({
        send: async () => {
          throw new HeraldError(429, 'quotaExceeded', '25 group sends per hour used.', 90);
        },
        openComposer: vi.fn(),
        deviceIdForUrl: vi.fn(),
      }),
    );
    await vi.waitFor(() => ui.button('Send'));
    ui.button('Send').click();
    await vi.waitFor(() =>
      expect(ui.text('send-problem')).toMatch(/^Quota reached: 25 group sends per hour used\. You can send again in 2 minutes \(at /),
    );
  });
});

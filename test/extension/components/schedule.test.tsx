import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import type { SendInput } from '../../../shared/schemas';
import { messageListener } from '../../../extension/utils/messages';
import { device, type FakeRequest, notification } from '../fake-herald';
import { renderPopup } from '../render';

/** The clock of these tests: Sunday 6 December 2026, 10:00 in London (GMT). */
const NOW = new Date('2026-12-06T10:00:00Z');
const phone = device();

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

const routes = {
  'GET /v1/quotas': () => ({
    body: {
      groupSends: { limit: 25, used: 0, resetsAt: null, available: 25, scheduled: 0 },
      deviceSends: { limitPerDevice: 10 },
      device: { used: 0, resetsAt: null, available: 10, scheduled: 0 },
    },
  }),
  'POST /v1/notifications/preview': () => ({
    body: { target: { type: 'device', deviceId: phone.id }, audience: { users: 1, devices: 1, skipped: {} }, languages: [] },
  }),
};

describe('send later', () => {
  it('picks a time in the admin’s zone, named beside it, echoes it in words in the review, and sends sendAt with the offset', async () => {
    const sent: SendInput[] = [];
    fakeBrowser.runtime.onMessage.addListener(
      messageListener({
        send: async ({ input }) => {
          sent.push(input);
          return { id: 'n-later', status: 'scheduled', sendAt: '2026-12-07T15:30:00.000Z', target: { type: 'device', deviceId: phone.id } };
        },
        openComposer: vi.fn(),
        deviceIdForUrl: vi.fn(),
      }),
    );
    const ui = await renderPopup(routes, { timeZone: 'Europe/London' });
    ui.state.draft.mode.value = 'device';
    ui.state.draft.device.value = phone;
    ui.type(ui.byLabel('Title'), 'Office closes at 16:00');
    ui.type(ui.byLabel<HTMLTextAreaElement>('Body'), 'Leave by the front door.');
    await vi.waitFor(() => expect(ui.button('Send').disabled).toBe(false));

    const later = ui.byLabel('Send later');
    later.checked = true;
    later.dispatchEvent(new Event('change', { bubbles: true }));
    await vi.waitFor(() => expect(ui.byLabel('Send at (Europe/London)').value).toBe('2026-12-06T11:00'));
    expect(ui.text('send-at-words')).toBe('Today, 11:00 Europe/London');
    ui.type(ui.byLabel('Send at (Europe/London)'), '2026-12-07T15:30');
    await vi.waitFor(() => expect(ui.text('send-at-words')).toBe('Tomorrow, 15:30 Europe/London'));

    // A time for later always goes through Review, also for one device.
    ui.button('Review').click();
    await vi.waitFor(() => expect(ui.text('review-when')).toBe('Tomorrow, 15:30 Europe/London'));
    ui.button('Schedule').click();
    await vi.waitFor(() => expect(ui.text('scheduled-for')).toContain('goes Tomorrow, 15:30 Europe/London.'));
    expect(sent).toEqual([
      { title: 'Office closes at 16:00', body: 'Leave by the front door.', deviceId: phone.id, sendAt: '2026-12-07T15:30:00+00:00' },
    ]);
    expect(ui.text('announcer')).toBe('Scheduled: notification n-later, to go Tomorrow, 15:30 Europe/London.');
    expect(ui.state.draft.sendLater.value).toBe(false);
  });

  it('refuses a time that has passed or is more than 30 days ahead, in words', async () => {
    const ui = await renderPopup(routes, { timeZone: 'America/New_York' });
    ui.state.draft.mode.value = 'device';
    ui.state.draft.device.value = phone;
    ui.type(ui.byLabel('Title'), 'Hi');
    ui.type(ui.byLabel<HTMLTextAreaElement>('Body'), 'There');
    ui.state.draft.sendLater.value = true;
    ui.state.draft.sendAt.value = '2026-12-06T04:59'; // 09:59 UTC: a minute ago
    await vi.waitFor(() => expect(ui.root.querySelector('#blocker')?.textContent).toMatch(/^The send time must be in the future/));
    ui.state.draft.sendAt.value = '2027-01-06T10:00';
    await vi.waitFor(() => expect(ui.root.querySelector('#blocker')?.textContent).toMatch(/^The send time must be at most 30 days ahead/));
    ui.state.draft.sendAt.value = '2026-12-06T05:30';
    await vi.waitFor(() => expect(ui.root.querySelector('#blocker')?.textContent).toBe('Review the message and its reach before sending.'));
    expect(ui.state.input.value).toMatchObject({ sendAt: '2026-12-06T05:30:00-05:00' });
  });
});

describe('scheduled sends in History', () => {
  it('come first, soonest first, each with Cancel, which confirms and then shows the send canceled', async () => {
    const scheduled = [
      notification('n-late', { status: 'scheduled', audience: null, counts: null, sendAt: '2026-12-16T15:30:00.000Z', title: 'Later one' }),
      notification('n-soon', {
        status: 'scheduled',
        audience: null,
        counts: null,
        sendAt: '2026-12-07T15:30:00.000Z',
        title: 'Office closes',
      }),
    ];
    const canceled: string[] = [];
    const ui = await renderPopup(
      {
        'GET /v1/notifications': (req: FakeRequest) => ({
          body: {
            items: req.query.get('status') === 'scheduled' ? scheduled : [notification('n-old', {}), ...scheduled],
            nextCursor: null,
          },
        }),
        'POST /v1/notifications/n-soon/cancel': () => {
          canceled.push('n-soon');
          return { body: { ...scheduled[1], status: 'canceled' } };
        },
        'POST /v1/notifications/n-late/cancel': () => ({
          status: 409,
          body: { error: { code: 'notScheduled', message: 'This notification was already sent.' } },
        }),
      },
      { timeZone: 'Europe/London' },
    );
    ui.button('History').click();
    await vi.waitFor(() => expect(ui.root.querySelectorAll('[data-testid="history-item"]')).toHaveLength(3));
    const items = () => [...ui.root.querySelectorAll<HTMLElement>('[data-testid="history-item"]')];
    expect(items().map((li) => li.querySelector('h3')?.textContent)).toEqual(['Office closes', 'Later one', 'Message n-old']);
    expect(items()[0]?.querySelector('[data-testid="history-status"]')?.textContent).toBe('Scheduled: goes Tomorrow, 15:30 Europe/London.');
    expect(items()[2]?.querySelector('button')?.textContent).not.toBe('Cancel');

    const first = items()[0]!;
    [...first.querySelectorAll('button')].find((b) => b.textContent === 'Cancel')!.click();
    await vi.waitFor(() => expect(first.textContent).toContain('Cancel “Office closes”? It will not be sent'));
    expect(canceled).toEqual([]);
    [...first.querySelectorAll('button')].find((b) => b.textContent === 'Cancel send')!.click();
    await vi.waitFor(() =>
      expect(items()[0]?.querySelector('[data-testid="history-status"]')?.textContent).toBe('Canceled: it was not sent.'),
    );
    expect(canceled).toEqual(['n-soon']);
    expect(items()[0]?.dataset.status).toBe('canceled');

    const second = items()[1]!;
    [...second.querySelectorAll('button')].find((b) => b.textContent === 'Cancel')!.click();
    await vi.waitFor(() => [...second.querySelectorAll('button')].find((b) => b.textContent === 'Cancel send')!.click());
    await vi.waitFor(() =>
      expect(second.querySelector('[data-testid="cancel-result"]')?.textContent).toBe(
        'Too late to cancel: This notification was already sent.',
      ),
    );
  });
});

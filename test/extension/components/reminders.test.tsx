import { describe, expect, it, vi } from 'vitest';
import { renderPopup } from '../render';

const counts = { queued: 0, sent: 1, delivered: 2, opened: 3, acknowledged: 4, failed: 0, skipped: 1, expired: 0 };
const item = (id: string, requireAcknowledgement: boolean) => ({
  id,
  status: 'queued',
  createdAt: '2030-01-01T10:00:00.000Z',
  sender: { accountId: 'a1', email: 'admin@contoso.example' },
  target: { type: 'groups', groupIds: ['g1'] },
  title: 'Restart your phone',
  audience: { users: 10, devices: 11, skipped: { notEnrolled: 1 } },
  counts,
  reasons: {},
  urgency: 'normal',
  requireAcknowledgement,
  reminderOf: null,
});
const accepted = {
  id: 'n9',
  status: 'queued',
  target: { type: 'groups', groupIds: ['g1'] },
  audience: { users: 5, devices: 6, skipped: {} },
};

async function history(requireAcknowledgement: boolean, remind: () => { status: number; body: unknown }) {
  const calls: string[] = [];
  const ui = await renderPopup({
    'GET /v1/notifications': () => ({ body: { items: [item('n1', requireAcknowledgement)], nextCursor: null } }),
    'POST /v1/notifications/n1/reminders': (req) => {
      calls.push(req.path);
      return remind();
    },
  });
  ui.button('History').click();
  await vi.waitFor(() => expect(ui.root.querySelector('[data-testid="history-item"]')).not.toBeNull());
  return { ...ui, calls };
}

describe('history: acknowledgement and reminders', () => {
  it('shows acknowledged in the funnel of a message that asked for it', async () => {
    const ui = await history(true, () => ({ status: 202, body: accepted }));
    const stages = [...ui.root.querySelectorAll<HTMLElement>('.stage')].map((s) => [
      s.dataset.stage,
      s.querySelector('.stage-count')?.textContent,
    ]);
    expect(stages).toEqual([
      ['queued', '0'],
      ['sent', '1'],
      ['delivered', '2'],
      ['opened', '3'],
      ['acknowledged', '4'],
      ['failed', '0'],
    ]);
  });

  it('marks a reminder and a high-urgency send in the list', async () => {
    const ui = await history(true, () => ({ status: 202, body: accepted }));
    expect(ui.root.querySelector('[data-testid="history-item"] .hint')?.textContent).not.toContain('reminder');
    const reminder = { ...item('n2', true), urgency: 'high', reminderOf: 'n1' };
    const again = await renderPopup({ 'GET /v1/notifications': () => ({ body: { items: [reminder], nextCursor: null } }) });
    again.button('History').click();
    await vi.waitFor(() =>
      expect(again.root.querySelector('[data-testid="history-item"] .hint')?.textContent).toMatch(/ · high urgency · a reminder$/),
    );
  });

  it('reminds those who have not acknowledged only after a confirmation, then shows the reminder as sent', async () => {
    const ui = await history(true, () => ({ status: 202, body: accepted }));
    ui.button('Remind 6 who have not acknowledged').click();
    await vi.waitFor(() =>
      expect(ui.root.querySelector('.remind fieldset')?.textContent).toContain('again to the 6 devices that have not acknowledged it?'),
    );
    expect(ui.calls).toEqual([]);
    ui.button('Send reminder').click();
    await vi.waitFor(() => expect(ui.text('remind-result')).toBe('Reminder sent to 6 devices (notification n9).'));
    expect(ui.calls).toEqual(['/v1/notifications/n1/reminders']);
    expect(ui.text('announcer')).toBe('Reminder sent to 6 devices (notification n9).');
  });

  it('counts those who have not opened when no acknowledgement was asked for, and Cancel sends nothing', async () => {
    const ui = await history(false, () => ({ status: 202, body: accepted }));
    ui.button('Remind 3 who have not opened').click();
    await vi.waitFor(() => expect(ui.button('Cancel')).toBeTruthy());
    ui.button('Cancel').click();
    await vi.waitFor(() => expect(ui.button('Remind 3 who have not opened')).toBeTruthy());
    expect(ui.calls).toEqual([]);
  });

  it("says in words that there is nothing to remind, with the server's reason (409 nothingToRemind)", async () => {
    const ui = await history(true, () => ({
      status: 409,
      body: { error: { code: 'nothingToRemind', message: "Notification 'n1': no device it reached is still in the directory." } },
    }));
    ui.button('Remind 6 who have not acknowledged').click();
    await vi.waitFor(() => expect(ui.button('Send reminder')).toBeTruthy());
    ui.button('Send reminder').click();
    await vi.waitFor(() =>
      expect(ui.text('remind-result')).toBe("Nothing to remind. Notification 'n1': no device it reached is still in the directory."),
    );
    expect(ui.root.querySelector('[data-testid="remind-result"]')?.classList.contains('problem')).toBe(true);
  });
});

import { render } from 'preact';
import { describe, expect, it, vi } from 'vitest';
import { InjectedButton } from '../../../extension/components/InjectedButton';
import { renderPopup } from '../render';

const item = (id: string, title: string | null, counts: Partial<Record<string, number>>) => ({
  id,
  status: 'queued',
  createdAt: '2030-01-01T10:00:00.000Z',
  sender: { accountId: 'a1', email: 'admin@contoso.example' },
  target: { type: 'groups', groupIds: ['g1', 'g2'] },
  title,
  audience: { users: 3, devices: 4, skipped: {} },
  counts: { queued: 0, sent: 0, delivered: 0, opened: 0, failed: 0, skipped: 0, expired: 0, ...counts },
});

describe('history', () => {
  it('lists recent notifications with their delivery funnel as bars', async () => {
    const ui = await renderPopup({
      'GET /v1/notifications': () => ({
        body: {
          items: [item('n2', 'Fire drill', { sent: 1, delivered: 2, opened: 1 }), item('n1', null, { failed: 4 })],
          nextCursor: null,
        },
      }),
    });
    ui.button('History').click();
    await vi.waitFor(() => expect(ui.root.querySelectorAll('[data-testid="history-item"]')).toHaveLength(2));
    const [first, second] = [...ui.root.querySelectorAll('[data-testid="history-item"]')];
    expect(first?.querySelector('h3')?.textContent).toBe('Fire drill');
    expect(first?.querySelector('.funnel')?.getAttribute('aria-label')).toBe('Delivery of “Fire drill”');
    const bars = [...first!.querySelectorAll<HTMLElement>('.stage')].map((s) => [
      s.dataset.stage,
      s.querySelector('.stage-count')?.textContent,
      s.querySelector<HTMLElement>('.bar span')?.style.width,
    ]);
    expect(bars).toEqual([
      ['queued', '0', '0%'],
      ['sent', '1', '50%'],
      ['delivered', '2', '100%'],
      ['opened', '1', '50%'],
      ['failed', '0', '0%'],
    ]);
    expect(second?.querySelector('h3')?.textContent).toBe('(text erased after retention)');
    expect(ui.button('History').getAttribute('aria-current')).toBe('page');
  });

  it('names a sender whose account is gone (the server answers its email as null)', async () => {
    const gone = { ...item('n3', 'Drill', {}), sender: { accountId: 'a9', email: null } };
    const ui = await renderPopup({ 'GET /v1/notifications': () => ({ body: { items: [gone], nextCursor: null } }) });
    ui.button('History').click();
    await vi.waitFor(() =>
      expect(ui.root.querySelector('[data-testid="history-item"] .hint')?.textContent).toContain(' · a removed account · '),
    );
  });

  it('names the device count of a bulk device send', async () => {
    const bulk = { ...item('n4', 'Restart', {}), target: { type: 'devices', deviceIds: ['d1', 'd2', 'd3'] } };
    const ui = await renderPopup({ 'GET /v1/notifications': () => ({ body: { items: [bulk], nextCursor: null } }) });
    ui.button('History').click();
    await vi.waitFor(() => expect(ui.root.querySelector('[data-testid="history-item"] .hint')?.textContent).toContain(' · 3 devices · '));
  });

  it('says in words why history cannot load', async () => {
    const ui = await renderPopup({
      'GET /v1/notifications': () => ({
        status: 403,
        body: { error: { code: 'forbidden', message: 'Missing permission Organization.Read.' } },
      }),
    });
    ui.button('History').click();
    await vi.waitFor(() =>
      expect(ui.root.querySelector('.history .problem')?.textContent).toBe('Not allowed: Missing permission Organization.Read.'),
    );
  });
});

describe('the button injected in admin consoles', () => {
  it('is named Send Custom Notification and opens the composer for its device', () => {
    const onOpen = vi.fn();
    const root = document.createElement('div');
    render(<InjectedButton deviceIds={['d-42']} onOpen={onOpen} />, root);
    const button = root.querySelector('button')!;
    expect(button.textContent?.trim()).toBe('Send Custom Notification');
    button.click();
    expect(onOpen).toHaveBeenCalledWith(['d-42']);
  });

  it('counts the rows selected in a device list, and opens the composer for all of them', () => {
    const onOpen = vi.fn();
    const root = document.createElement('div');
    render(<InjectedButton deviceIds={['d-1', 'd-2', 'd-3']} selection onOpen={onOpen} />, root);
    const button = root.querySelector('button')!;
    expect(button.textContent?.trim()).toBe('Send Custom Notification (3)');
    button.click();
    expect(onOpen).toHaveBeenCalledWith(['d-1', 'd-2', 'd-3']);
  });
});

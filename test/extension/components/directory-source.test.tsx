import { describe, expect, it, vi } from 'vitest';
import type { DirectoryStatus, DirectorySync } from '../../../shared/directory-sync';
import { ago, describeSource } from '../../../extension/utils/directory-source';
import { tokenItem } from '../../../extension/utils/storage';
import { fakeFetch } from '../fake-herald';
import { renderOptions } from '../render';

const NOW = Date.parse('2026-12-06T10:00:00Z');
const minutesAgo = (m: number) => new Date(NOW - m * 60_000).toISOString();
const sync = (over: Partial<DirectorySync>): DirectorySync => ({
  id: 's1',
  kind: 'incremental',
  status: 'succeeded',
  startedAt: minutesAgo(5),
  finishedAt: minutesAgo(4),
  counts: null,
  error: null,
  ...over,
});
const totals = { users: 1204, groups: 88, devices: 1530 };
const me = (scope: 'all' | 'groups') => ({
  tenant: { id: 't1', name: 'Contoso' },
  account: { id: 'a1', email: 'admin@contoso.example' },
  permissions: ['Organization.Read', 'Organization.Update'],
  scopes: [
    {
      roleId: 'administrator',
      roleName: 'Administrator',
      permissions: ['Organization.Read', 'Organization.Update'],
      scope: scope === 'all' ? { type: 'all' } : { type: 'groups', groupIds: ['g1'] },
    },
  ],
});

describe('the directory source in words', () => {
  it('says how fresh a synced directory is and how large, as the issue words it', () => {
    const status: DirectoryStatus = { source: 'entra', lastSync: sync({}), lastSuccessAt: minutesAgo(4), totals };
    expect(describeSource(status, NOW)).toEqual({
      text: 'Synced from Microsoft Entra ID 4 min ago: 1,204 users, 88 groups, 1,530 devices.',
      problem: null,
    });
  });

  it('says a failed last sync in words, keeping when it last succeeded', () => {
    const failed = sync({
      status: 'failed',
      finishedAt: minutesAgo(1),
      error: { code: 'authenticationFailed', message: 'Entra ID refused the client secret.' },
    });
    const shown = describeSource({ source: 'entra', lastSync: failed, lastSuccessAt: minutesAgo(125), totals }, NOW);
    expect(shown.text).toBe('Synced from Microsoft Entra ID 2 h ago: 1,204 users, 88 groups, 1,530 devices.');
    expect(shown.problem).toBe('The last sync, 1 min ago, failed: Entra ID refused the client secret.');
  });

  it('says a hand-imported directory, one never synced, and one syncing now', () => {
    expect(
      describeSource({ source: 'import', lastSync: null, lastSuccessAt: null, totals: { users: 1, groups: 0, devices: 2 } }, NOW).text,
    ).toBe('Imported by hand (no Microsoft Entra ID connection): 1 user, 0 groups, 2 devices.');
    expect(describeSource({ source: 'entra', lastSync: null, lastSuccessAt: null, totals }, NOW).text).toMatch(
      /^Connected to Microsoft Entra ID, not synced yet/,
    );
    expect(
      describeSource(
        { source: 'entra', lastSync: sync({ status: 'running', finishedAt: null }), lastSuccessAt: minutesAgo(60), totals },
        NOW,
      ).text,
    ).toMatch(/^Syncing from Microsoft Entra ID now \(last synced 1 h ago\)/);
    expect([ago(minutesAgo(0), NOW), ago(minutesAgo(59), NOW), ago(minutesAgo(60 * 72), NOW)]).toEqual([
      'just now',
      '59 min ago',
      '3 days ago',
    ]);
  });
});

describe('options: directory', () => {
  it('offers Sync now to an account with Organization.Update over the whole tenant, runs it and shows the new state', async () => {
    await tokenItem.setValue('good');
    let synced = false;
    const started = vi.fn(() => ({ status: 202, body: { id: 's2', status: 'running', kind: 'incremental' } }));
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        'GET /v1/me': () => ({ body: me('all') }),
        'GET /v1/directory/status': () => ({
          body: {
            source: 'entra',
            lastSync: sync({}),
            lastSuccessAt: new Date(synced ? Date.now() : Date.now() - 240 * 60_000).toISOString(),
            totals,
          },
        }),
        'POST /v1/directory/sync': started,
        'GET /v1/directory/syncs/s2': () => {
          synced = true;
          return { body: sync({ id: 's2', finishedAt: new Date().toISOString() }) };
        },
      }),
    );
    const ui = await renderOptions();
    await vi.waitFor(() => expect(ui.text('directory-source')).toMatch(/^Synced from Microsoft Entra ID 4 h ago: 1,204 users/));
    ui.button('Sync now').click();
    await vi.waitFor(() => expect(ui.text('directory-source')).toMatch(/^Synced from Microsoft Entra ID just now/));
    expect(started).toHaveBeenCalledTimes(1);
  });

  it('does not offer Sync now to an account whose Organization.Update is scoped to groups', async () => {
    await tokenItem.setValue('good');
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        'GET /v1/me': () => ({ body: me('groups') }),
        'GET /v1/directory/status': () => ({ body: { source: 'entra', lastSync: sync({}), lastSuccessAt: minutesAgo(4), totals } }),
      }),
    );
    const ui = await renderOptions();
    await vi.waitFor(() => expect(ui.text('directory-source')).toMatch(/^Synced from Microsoft Entra ID/));
    expect(() => ui.button('Sync now')).toThrow(/No button/);
  });
});

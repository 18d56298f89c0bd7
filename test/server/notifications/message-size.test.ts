import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUSH_PAYLOAD_MAX_BYTES } from '../../../shared/push-payload';
import { accountWith } from '../../helpers/rbac';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { startTestHerald, type Api, type ApiResponse, type TestHerald } from '../../helpers/herald';

let herald: TestHerald;
let api: Api;

beforeAll(async () => {
  herald = await startTestHerald();
  api = herald.admin.api;
  await importDirectory(api, { users: [user('u1')], devices: [phone('d1', 'u1')], groups: [group('g1', [{ type: 'user', id: 'u1' }])] });
});
afterAll(() => herald.close());

/** About 900 KB of UTF-8 each, under the 1 MB body limit: the old counter held the event loop for many minutes on these. */
const hostile = {
  'combining marks': `a${'\u0301\u0316'.repeat(225_000)}`,
  'accented letters': '\u00e9'.repeat(450_000),
};

/** Every route that checks a title and body, as `{title, body}` maps onto its request. */
const routes: Record<string, (title: string, body: string) => [string, unknown]> = {
  'a group send': (title, body) => ['/v1/notifications', { title, body, groupIds: ['g1'] }],
  'a device send': (title, body) => ['/v1/notifications', { title, body, deviceId: 'd1' }],
  'a preview': (title, body) => ['/v1/notifications/preview', { title, body, groupIds: ['g1'] }],
  'a Graph group send': (title, body) => [
    '/beta/deviceManagement/sendCustomNotificationToCompanyPortal',
    { notificationTitle: title, notificationBody: body, groupsToNotify: ['g1'] },
  ],
  'a Graph device send': (title, body) => [
    '/v1.0/deviceManagement/managedDevices/d1/sendCustomNotificationToCompanyPortal',
    { notificationTitle: title, notificationBody: body },
  ],
};

/** The request's answer and how long it took, and how long a /healthz sent right behind it waited. */
async function timed(as: Api, path: string, body: unknown): Promise<{ res: ApiResponse; ms: number; healthMs: number }> {
  const start = performance.now();
  const answer = as('POST', path, body).then((res) => ({ res, ms: performance.now() - start }));
  const health = api('GET', '/healthz').then((res) => {
    expect(res.status).toBe(200);
    return performance.now() - start;
  });
  const [{ res, ms }, healthMs] = await Promise.all([answer, health]);
  return { res, ms, healthMs };
}

// The old code took 1.5 s for 64k accented letters and minutes for these; a second is three orders of magnitude of slack.
const FAST_MS = 1000;

describe('a hostile megabyte of text', () => {
  for (const [kind, text] of Object.entries(hostile))
    for (const [route, request] of Object.entries(routes))
      for (const field of ['title', 'body'] as const)
        it(`in the ${field} of ${route} (${kind}) is refused with messageTooLarge at once, and /healthz stays fast`, async () => {
          const [path, body] = field === 'title' ? request(text, 'Body') : request('Title', text);
          const { res, ms, healthMs } = await timed(api, path, body);
          expect(res.status).toBe(400);
          expect(res.body.error.code).toBe('messageTooLarge');
          expect(res.body.error.message).toContain(`at most ${PUSH_PAYLOAD_MAX_BYTES} bytes`);
          expect(ms).toBeLessThan(FAST_MS);
          expect(healthMs).toBeLessThan(FAST_MS);
        });

  it('from a token with no role is refused 403 before its text is read', async () => {
    const nobody = (await accountWith(herald, [])).api;
    for (const [route, request] of Object.entries(routes)) {
      const [path, body] = request('Title', hostile['combining marks']);
      const { res, ms } = await timed(nobody, path, body);
      expect([route, res.status, res.body.error.code]).toEqual([route, 403, 'forbidden']);
      expect(ms).toBeLessThan(FAST_MS);
    }
  });
});

describe('the size of the push', () => {
  // 👩🏽‍💻 is one character and 15 bytes: 500 of them are a legitimate body and a 7.5 KB push
  const wide = '👩🏽‍💻'.repeat(500);

  for (const [route, request] of Object.entries(routes))
    it(`of ${route} over ${PUSH_PAYLOAD_MAX_BYTES} bytes is refused 400 messageTooLarge naming its bytes and the limit, using no quota`, async () => {
      const [path, body] = request('Too wide', wide);
      const res = await api('POST', path, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('messageTooLarge');
      expect(res.body.error.message).toMatch(
        new RegExp(`makes a 7\\d{3}-byte push; Apple and Google accept at most ${PUSH_PAYLOAD_MAX_BYTES} bytes`),
      );
    });

  it('leaves a message that fits alone: 500 two-byte letters are sent', async () => {
    expect((await api('POST', '/v1/notifications', { title: 'Fits', body: '\u00e9'.repeat(500), deviceId: 'd1' })).status).toBe(202);
    const quota = (await api('GET', '/v1/quotas?deviceId=d1')).body;
    // only that send used the device's quota: none of the refused ones did
    expect(quota.device.used).toBe(1);
  });
});

describe('invisible and direction-changing text', () => {
  it('refuses a title of only invisible characters as empty, and an isolate in the body', async () => {
    const blank = await api('POST', '/v1/notifications', { title: '\u3164\u2800\u200b', body: 'Hello', deviceId: 'd1' });
    expect([blank.status, blank.body.error.message]).toEqual([
      400,
      expect.stringMatching(/^title: title is empty \(it has no visible character\)/),
    ]);
    const isolate = await api('POST', '/v1/notifications/preview', { title: 'Hi', body: 'pay \u2067evil\u2069 now', deviceId: 'd1' });
    expect([isolate.status, isolate.body.error.message]).toEqual([
      400,
      expect.stringContaining('text-direction override, embedding or isolate'),
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceClient, sendToDevice } from '../../helpers/dispatch';
import { importDirectory, phone, user } from '../../helpers/directory';
import { startTestHerald, type Api, type TestHerald } from '../../helpers/herald';

let herald: TestHerald;
let device: Api;
let notificationId: string;

beforeAll(async () => {
  herald = await startTestHerald();
  await importDirectory(herald.admin.api, { users: [user('u1')], devices: [phone('d1', 'u1')] });
  notificationId = await sendToDevice(herald.admin.api, 'd1');
  device = await deviceClient(herald, herald.admin.api, 'd1');
});
afterAll(() => herald.close());

type Element = 'number' | 'string';
const b64 = (text: string) => Buffer.from(text).toString('base64url');

/** Elements a cursor may never hold where a key of that kind is expected (as JSON text). */
const badElements: Record<Element, string[]> = {
  number: ['1e999', '-1e999', '-0', '1.5', '1.0', '1e3', '9007199254740993', '-9007199254740993', '"1"', 'null', 'true', '[1]', '{}'],
  string: ['"a\\u0000b"', '"tab\\there"', '"\\u007f"', '"\\u0085"', '"\\ud800"', JSON.stringify('x'.repeat(300)), '1', 'null', '["x"]'],
};
const good: Record<Element, string> = { number: '1', string: '"x"' };

/** Every way to forge a cursor for a list keyed on `shape`, named for the report. */
function forgeries(shape: Element[]): [string, string][] {
  const valid = shape.map((k) => good[k]);
  const list: [string, string][] = [];
  shape.forEach((kind, i) => {
    for (const bad of badElements[kind]) {
      const key = [...valid];
      key[i] = bad;
      list.push([`element ${i} = ${bad.slice(0, 20)}`, b64(`[${key.join(',')}]`)]);
    }
  });
  const json = (text: string): [string, string] => [`JSON ${text.slice(0, 30)}`, b64(text)];
  list.push(
    json('[]'),
    json(`[${[...valid, '1'].join(',')}]`),
    json(`[${[...valid, '"x"'].join(',')}]`),
    json('{}'),
    json('"x"'),
    json('null'),
    json('7'),
    json(`[ ${valid.join(' , ')} ]`),
    json('not json'),
    ['padding', `${b64(`[${valid.join(',')}]`)}=`],
    [
      'standard base64 alphabet',
      Buffer.from(`[${valid.join(',')}]`)
        .toString('base64')
        .replace(/[A-Za-z]$/, '+'),
    ],
    ['not base64url', '%%%%'],
    ['stray characters', `.${b64(`[${valid.join(',')}]`)}`],
    ['an empty cursor', ''],
    ['a very long cursor', b64(`[${valid.join(',')}]`) + 'A'.repeat(5000)],
    ['a long cursor under the query limit', b64(JSON.stringify(['y'.repeat(500)]))],
  );
  return list;
}

const routes: { name: string; path: () => string; shape: Element[]; as: () => Api }[] = [
  { name: 'audit log', path: () => '/v1/audit', shape: ['number'], as: () => herald.admin.api },
  { name: 'notification history', path: () => '/v1/notifications', shape: ['number', 'string'], as: () => herald.admin.api },
  { name: 'deliveries', path: () => `/v1/notifications/${notificationId}/deliveries`, shape: ['string'], as: () => herald.admin.api },
  { name: 'device inbox', path: () => '/v1/device/notifications', shape: ['string'], as: () => device },
  { name: 'users', path: () => '/v1/users', shape: ['string'], as: () => herald.admin.api },
  { name: 'groups', path: () => '/v1/groups', shape: ['string'], as: () => herald.admin.api },
  { name: 'devices', path: () => '/v1/devices', shape: ['string'], as: () => herald.admin.api },
];

describe('forged cursors', () => {
  for (const route of routes) {
    it(`the ${route.name} answers every forged cursor with 400 invalidRequest and a JSON error`, async () => {
      const wrong: string[] = [];
      for (const [name, cursor] of forgeries(route.shape)) {
        const res = await route.as()('GET', `${route.path()}?cursor=${encodeURIComponent(cursor)}`);
        if (res.status !== 400 || res.body?.error?.code !== 'invalidRequest' || typeof res.body.error.message !== 'string')
          wrong.push(`${name}: ${res.status} ${JSON.stringify(res.body).slice(0, 80)}`);
      }
      expect(wrong).toEqual([]);
    });

    it(`the ${route.name} still takes a well-formed cursor`, async () => {
      const cursor = b64(`[${route.shape.map((k) => good[k]).join(',')}]`);
      expect((await route.as()('GET', `${route.path()}?cursor=${cursor}`)).status).toBe(200);
    });
  }
});

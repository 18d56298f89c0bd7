import { afterEach, describe, expect, it, vi } from 'vitest';
import { directoryImportSchema } from '../../../shared/directory';
import { AppError } from '../../../server/core/errors';
import { parseOr400 } from '../../../server/core/parse';
import { parseImportBody } from '../../../server/directory/import-body';
import { group, phone, user } from '../../helpers/directory';

const bytes = (text: string) => new TextEncoder().encode(text);

/** What the import read before it was read an object at a time: the whole body parsed, then the whole schema. */
function wholeBody(text: string) {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes(text)));
  } catch {
    return { code: 'invalidRequest', message: 'The request body is not valid JSON.' };
  }
  try {
    return parseOr400(directoryImportSchema, value);
  } catch (error) {
    const e = error as AppError;
    return { code: e.code, message: e.message, details: e.details };
  }
}

function objectAtATime(text: string) {
  try {
    return parseImportBody([bytes(text)]);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { code: error.code, message: error.message, details: error.details };
  }
}

const directory = {
  users: [user('u1'), { ...user('u2'), preferredLanguage: 'fr-fr' }],
  devices: [phone('d1', 'u1'), phone('d2', null, { platform: 'android', push: null, notificationsPermitted: false })],
  groups: [group('g1', [{ type: 'user', id: 'u1' }]), { id: 'g2', displayName: 'No members given' }],
};

describe('reading an import body an object at a time', () => {
  it.each([
    ['a compact body', JSON.stringify(directory)],
    ['an indented body', JSON.stringify(directory, null, 2)],
    ['the lists in another order, one of them empty', JSON.stringify({ groups: directory.groups, devices: [], users: directory.users })],
    ['a byte order mark and white space around everything', `\uFEFF \r\n\t${JSON.stringify(directory, null, '\t')} \n`],
    [
      'strings holding quotes, backslashes, brackets, escapes and non-ASCII text',
      JSON.stringify({ users: [{ id: 'u"]}{[\\', upn: 'a\\"}b@contoso.com', displayName: 'Zoë \u00e9\u4e2d 😀 \\u0041' }] }),
    ],
    ['escaped characters written as \\u escapes', '{"users":[{"id":"u\\u0031","upn":"x\\"y","displayName":"\\ud83d\\ude00"}]}'],
    ['an empty object', '{}'],
    ['a key written with an escape', `{"us\\u0065rs":[${JSON.stringify(user('u1'))}]}`],
  ])('gives the same directory as the whole body parsed at once: %s', (_, text) => {
    const read = objectAtATime(text);
    expect(read).toEqual(wholeBody(text));
    expect(read).toHaveProperty('users');
  });

  it.each([
    [
      'an invalid field in the 3rd device',
      JSON.stringify({ ...directory, devices: [...directory.devices, { ...phone('d3', 'u1'), platform: 'beos' }] }),
    ],
    ['an unknown field in a user', JSON.stringify({ users: [{ ...user('u1'), extra: 1 }] })],
    ['an unknown top-level key', JSON.stringify({ ...directory, accounts: [] })],
    ['a list that is not an array', '{"users":{"id":"u1"}}'],
    ['an item that is not an object', '{"users":["u1"]}'],
    ['a key given twice (the last one counts)', `{"users":[${JSON.stringify(user('u1'))}],"users":[{"id":"u2"}]}`],
    ['a body that is not an object', '[]'],
    ['malformed JSON inside an item', '{"users":[{"id":"u1",}]}'],
    ['an unclosed body', `{"users":[${JSON.stringify(user('u1'))}`],
    ['text after the body', `${JSON.stringify(directory)} x`],
    ['an empty body', ''],
  ])('refuses exactly as the whole body parsed at once: %s', (_, text) => {
    const read = objectAtATime(text);
    expect(read).toEqual(wholeBody(text));
    expect(read).toHaveProperty('code');
  });
});

/** `text`'s bytes cut into chunks of `size` bytes, as a request body may arrive. */
function inChunks(text: string, size: number): Uint8Array[] {
  const all = bytes(text);
  return Array.from({ length: Math.ceil(all.length / size) }, (_, i) => all.subarray(i * size, (i + 1) * size));
}

const bigGroup = group(
  'g-big',
  Array.from({ length: 3_000 }, (_, i) => ({ type: 'user' as const, id: `u${i}` })),
);

describe('reading an import body across the chunks it arrived in', () => {
  afterEach(() => vi.restoreAllMocks());

  const bodies = [
    ['an indented body', JSON.stringify(directory, null, 2)],
    ['a byte order mark and white space around everything', `\uFEFF \r\n\t${JSON.stringify(directory, null, '\t')} \n`],
    [
      'strings holding quotes, backslashes, brackets and non-ASCII text',
      JSON.stringify({ users: [{ id: 'u"]}{[\\', upn: 'a\\"}b@contoso.com', displayName: 'Zoë \u00e9\u4e2d 😀' }] }),
    ],
    [
      'a group far larger than a chunk',
      JSON.stringify({ users: Array.from({ length: 3_000 }, (_, i) => user(`u${i}`)), groups: [bigGroup, group('g2')] }),
    ],
  ] as const;

  it.each(bodies)('gives the same directory whatever the chunks, parsing one object at a time: %s', (_, text) => {
    const whole = wholeBody(text);
    const wholeText = new TextDecoder().decode(bytes(text));
    const parse = vi.spyOn(JSON, 'parse');
    for (const size of [1, 2, 3, 7, 64, 1000, 64 * 1024]) {
      expect(parseImportBody(inChunks(text, size))).toEqual(whole);
      // never the whole body at once: it was read object by object, not given up on and read again whole
      expect(parse.mock.calls.map(([s]) => s)).not.toContain(wholeText);
      expect(parse).toHaveBeenCalled();
      parse.mockClear();
    }
  });

  it.each([
    [
      'an invalid field in the 2nd device',
      JSON.stringify({ ...directory, devices: [directory.devices[0], { ...phone('d3', 'u1'), platform: 'beos' }] }),
    ],
    ['an unclosed body', `{"users":[${JSON.stringify(user('u1'))}`],
    ['text after the body', `${JSON.stringify(directory)} x`],
    ['an unknown top-level key', JSON.stringify({ ...directory, accounts: [] })],
  ])('refuses exactly as the whole body parsed at once, whatever the chunks: %s', (_, text) => {
    for (const size of [1, 3, 64]) {
      let read: unknown;
      try {
        read = parseImportBody(inChunks(text, size));
      } catch (error) {
        const e = error as AppError;
        read = { code: e.code, message: e.message, details: e.details };
      }
      expect(read).toEqual(wholeBody(text));
    }
  });
});

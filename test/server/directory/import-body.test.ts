import { describe, expect, it } from 'vitest';
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
    return parseImportBody(bytes(text));
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

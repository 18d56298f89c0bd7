import { describe, expect, it } from 'vitest';
import { previewSchema, sendSchema } from '../../shared/schemas';
import { apnsPayload, checkMessageSize, fcmPayload, PUSH_PAYLOAD_MAX_BYTES, utf8Bytes } from '../../shared/push-payload';
import { checkText, countCharacters, MAX_MARKS_IN_A_ROW, MAX_TEXT_CODE_UNITS, normalizeText } from '../../shared/text';

describe('countCharacters', () => {
  it('counts an emoji, a flag and a family ZWJ sequence as one character each', () => {
    expect(countCharacters('👍')).toBe(1);
    expect(countCharacters('🇫🇷')).toBe(1);
    expect(countCharacters('👨‍👩‍👧‍👦')).toBe(1);
    expect(countCharacters('a👍b')).toBe(3);
  });

  it('counts a letter with combining marks as one, before and after NFC', () => {
    expect(countCharacters('e\u0301')).toBe(1);
    expect(countCharacters('\u00e9')).toBe(1);
    expect(countCharacters('Z\u0351\u036b\u0343')).toBe(1);
  });

  it('counts after trimming, and CRLF as one line break', () => {
    expect(countCharacters('  hi  ')).toBe(2);
    expect(countCharacters('a\r\nb')).toBe(3);
    expect(countCharacters('a\nb')).toBe(3);
  });

  it('normalises to NFC after trimming', () => {
    expect(normalizeText('  e\u0301 ')).toBe('\u00e9');
  });
});

describe('checkText', () => {
  it('accepts 50 and refuses 51 title characters, naming the field, length and limit', () => {
    expect(checkText('title', '👍'.repeat(50)).problem).toBeNull();
    expect(checkText('title', '👍'.repeat(51)).problem).toBe('title is 51 characters; the limit is 50.');
  });

  it('accepts 500 and refuses 501 body characters', () => {
    expect(checkText('body', 'e\u0301'.repeat(500)).problem).toBeNull();
    expect(checkText('body', 'e\u0301'.repeat(501)).problem).toBe('body is 501 characters; the limit is 500.');
  });

  it('refuses empty or blank text', () => {
    expect(checkText('title', '   ').problem).toMatch(/title is empty/);
  });

  it('allows line breaks in the body only, and no other control character', () => {
    expect(checkText('body', 'line 1\nline 2\r\nline 3').problem).toBeNull();
    expect(checkText('title', 'a\nb').problem).toMatch(/control character/);
    expect(checkText('body', 'bell\u0007').problem).toMatch(/control character other than a line break/);
    expect(checkText('body', 'tab\there').problem).toMatch(/control character/);
    expect(checkText('body', 'para\u2029graph').problem).toBeNull();
    expect(checkText('title', 'line\u2028break').problem).toMatch(/control character/);
  });

  it('refuses direction overrides and lone surrogates', () => {
    expect(checkText('title', 'invoice\u202Efdp.exe').problem).toMatch(/text-direction override/);
    expect(checkText('body', 'half \ud83d emoji').problem).toMatch(/lone surrogate/);
    expect(checkText('body', 'whole \ud83d\ude00 emoji').problem).toBeNull();
  });

  it('names the length and limit of a very long title, not a size guard', () => {
    const result = sendSchema.safeParse({ title: 'x'.repeat(30_000), body: 'b', deviceId: 'd' });
    expect(result.error?.issues[0]?.message).toBe('title is 30000 characters; the limit is 50.');
  });
});

describe('checkText on hostile input', () => {
  const hostile = {
    'combining marks': `a${'\u0301\u0316'.repeat(450_000)}`,
    'accented letters': '\u00e9'.repeat(900_000),
    'Hangul jamo': '\u1100\u1161\u11a8'.repeat(300_000),
  };

  for (const [kind, text] of Object.entries(hostile))
    it(`refuses a megabyte of ${kind} as too large for a push, in milliseconds`, () => {
      const start = performance.now();
      const check = checkText('body', text);
      // the old counter took 1.5 s for 64k accented letters and minutes for this
      expect(performance.now() - start).toBeLessThan(500);
      expect(check).toMatchObject({
        tooLarge: true,
        exact: false,
        count: 501,
        problem: expect.stringMatching(/^body is \d+ bytes; a push holds at most 4096 bytes\.$/),
      });
    });

  it(`refuses more than ${MAX_MARKS_IN_A_ROW} combining marks in a row before normalising them, and accepts ${MAX_MARKS_IN_A_ROW}`, () => {
    // the most a send can carry: 21 variants of title and body, each a run of marks just under the size guard
    // (marks in falling combining class, the order NFC's sort does most work on)
    const run = `a${'\u0345\u0301\u0316\u031b\u0327\u0334\u0340'.repeat(Math.floor((MAX_TEXT_CODE_UNITS - 1) / 7))}`;
    const start = performance.now();
    for (let i = 0; i < 42; i++)
      expect(checkText('body', run)).toMatchObject({
        tooLarge: false,
        problem: `body has more than ${MAX_MARKS_IN_A_ROW} combining marks in a row; no language needs that many on one character.`,
      });
    // normalising each would sort its marks in quadratic time: about 27 ms each here, 1.1 s for the 42
    expect(performance.now() - start).toBeLessThan(250);
    expect(checkText('title', `a${'\u0301'.repeat(MAX_MARKS_IN_A_ROW)}`)).toMatchObject({ problem: null, count: 1 });
    expect(checkText('title', `a${'\u0301'.repeat(MAX_MARKS_IN_A_ROW + 1)}b`)).toMatchObject({ count: 2, problem: expect.any(String) });
  });

  it('counts non-ASCII text only to one past the limit, saying "over" when there is more', () => {
    expect(checkText('title', '👍'.repeat(51))).toMatchObject({ count: 51, exact: true });
    expect(checkText('title', '👍'.repeat(80))).toMatchObject({
      count: 51,
      exact: false,
      problem: 'title is over 50 characters; the limit is 50.',
    });
    expect(checkText('body', '\u00e9'.repeat(3000))).toMatchObject({ count: 501, exact: false, tooLarge: false });
  });

  it('refuses only text that cannot fit: NFC makes 3 code units no fewer than 2 bytes', () => {
    // U+01D5 decomposed is 3 code units, composed 2 bytes: just under the cap is normalised and counted, not refused as too large
    const decomposed = 'U\u0308\u0304'.repeat(MAX_TEXT_CODE_UNITS / 3);
    expect(checkText('body', decomposed)).toMatchObject({ tooLarge: false, count: 501, exact: false });
    expect(utf8Bytes(normalizeText(decomposed))).toBe(PUSH_PAYLOAD_MAX_BYTES);
    expect(checkText('body', `${decomposed}\u00e9`).tooLarge).toBe(true);
  });

  it('counts a long ASCII text exactly (that is cheap), leaving its size to the message check', () => {
    expect(checkText('body', 'x'.repeat(900_000))).toMatchObject({ count: 900_000, exact: true, tooLarge: false });
  });
});

describe('invisible text and direction controls', () => {
  const invisible = [
    '\u200b',
    '\u2800',
    '\u115f',
    '\u1160',
    '\u3164',
    '\uffa0',
    '\u00ad',
    '\u2060',
    '\ufeff',
    '\u200d',
    '\u0301',
    '\u3000',
    '\u180e',
  ];

  it('calls a title or body empty when nothing in it is visible', () => {
    for (const field of ['title', 'body'] as const) {
      for (const c of invisible)
        expect(checkText(field, `${c}${c}`).problem, `U+${c.codePointAt(0)!.toString(16)}`).toMatch(new RegExp(`^${field} is empty`));
      expect(checkText(field, invisible.join('')).problem).toBe(
        `${field} is empty (it has no visible character); it needs 1 to ${field === 'title' ? 50 : 500} characters.`,
      );
    }
  });

  it('accepts visible text that contains such characters', () => {
    expect(checkText('title', '\u3164Hi\u200b').problem).toBeNull();
    expect(checkText('title', '\u2800\u28ff').problem).toBeNull();
  });

  it('refuses every embedding, override and isolate, and allows the direction marks right-to-left text needs', () => {
    for (const c of ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'])
      for (const field of ['title', 'body'] as const)
        expect(checkText(field, `a${c}b`).problem, `U+${c.codePointAt(0)!.toString(16)}`).toBe(
          `${field} contains a text-direction override, embedding or isolate character.`,
        );
    for (const mark of ['\u200e', '\u200f', '\u061c']) expect(checkText('title', `\u05e9\u05dc\u05d5\u05dd ${mark}123`).problem).toBeNull();
  });
});

describe('checkMessageSize', () => {
  const ids = { notificationId: '0190a4b2-7c1d-7e3f-8a9b-0c1d2e3f4a5b', deliveryId: '0190a4b2-7c1d-7e3f-8a9b-000000000001' };
  const composed = (title: string, body: string) => ({
    apns: Buffer.byteLength(apnsPayload({ title, body, ...ids })),
    fcm: Buffer.byteLength(JSON.stringify(fcmPayload({ title, body, ...ids }))),
  });

  it('measures the larger of the APNs and FCM payloads the providers send', () => {
    for (const [title, body] of [
      ['Hi', 'there'],
      ['"quoted"\\', 'line\nbreak'],
      ['👩🏽‍💻', '\u00e9'.repeat(500)],
    ]) {
      const { apns, fcm } = composed(title!, body!);
      expect(checkMessageSize(title!, body!).bytes).toBe(Math.max(apns, fcm));
    }
  });

  it(`accepts a push of exactly ${PUSH_PAYLOAD_MAX_BYTES} bytes and refuses one byte more, naming both`, () => {
    const title = 'Fits';
    const overhead = composed(title, '').apns;
    // 3-byte letters, then ASCII to the exact byte
    const fill = PUSH_PAYLOAD_MAX_BYTES - overhead;
    const body = '\u4e00'.repeat(Math.floor(fill / 3) - 1) + 'x'.repeat(fill - 3 * (Math.floor(fill / 3) - 1));
    expect(composed(title, body).apns).toBe(PUSH_PAYLOAD_MAX_BYTES);
    expect(checkMessageSize(title, body)).toEqual({ bytes: PUSH_PAYLOAD_MAX_BYTES, limit: PUSH_PAYLOAD_MAX_BYTES, problem: null });
    expect(checkMessageSize(title, `${body}x`).problem).toBe(
      `The message makes a ${PUSH_PAYLOAD_MAX_BYTES + 1}-byte push; Apple and Google accept at most ${PUSH_PAYLOAD_MAX_BYTES} bytes. Shorten it.`,
    );
  });

  it('is checked by the send schema as messageTooLarge', () => {
    const result = sendSchema.safeParse({ title: 'Wide', body: '👩🏽‍💻'.repeat(500), deviceId: 'd' });
    expect(result.error?.issues[0]).toMatchObject({
      path: ['body'],
      params: { errorCode: 'messageTooLarge', limit: PUSH_PAYLOAD_MAX_BYTES },
    });
  });

  it('counts UTF-8 bytes as Buffer does, lone surrogates included', () => {
    for (const text of ['abc', '\u00e9\u4e00👍', 'lone \ud83d here', '\udc00']) expect(utf8Bytes(text)).toBe(Buffer.byteLength(text));
  });
});

describe('sendSchema', () => {
  const text = { title: 'Building closed', body: 'Work from home today.' };

  it('needs exactly one target', () => {
    expect(sendSchema.safeParse(text).success).toBe(false);
    expect(sendSchema.safeParse({ ...text, groupIds: ['g'], deviceId: 'd' }).success).toBe(false);
    expect(sendSchema.safeParse({ ...text, deviceId: 'd' }).success).toBe(true);
  });

  it('counts duplicate groups once and refuses a 26th distinct group', () => {
    const ids = Array.from({ length: 25 }, (_, i) => `g${i}`);
    expect(sendSchema.parse({ ...text, groupIds: [...ids, ...ids] }).groupIds).toHaveLength(25);
    expect(sendSchema.safeParse({ ...text, groupIds: [...ids, 'g25'] }).success).toBe(false);
  });

  it('returns the normalised text', () => {
    expect(sendSchema.parse({ title: ' Cafe\u0301 ', body: 'x', deviceId: 'd' }).title).toBe('Caf\u00e9');
  });

  it('lets a preview leave the text out', () => {
    expect(previewSchema.safeParse({ groupIds: ['g'] }).success).toBe(true);
  });
});

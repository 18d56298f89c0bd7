import { describe, expect, it } from 'vitest';
import { previewSchema, sendSchema } from '../../shared/schemas';
import { checkText, countCharacters, normalizeText } from '../../shared/text';

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

import { describe, expect, it } from 'vitest';
import { wellFormedToken } from '../../../../server/dispatch/providers/tokens';
import { apnsToken } from '../../../helpers/push';

describe('well-formed push tokens', () => {
  it('accepts APNs tokens of 64 or more hex digits and nothing else', () => {
    expect(wellFormedToken('apns', apnsToken(1))).toBe(true);
    expect(wellFormedToken('apns', 'AB'.repeat(50))).toBe(true);
    expect(wellFormedToken('apns', 'a'.repeat(63))).toBe(false);
    expect(wellFormedToken('apns', 'g'.repeat(64))).toBe(false);
    expect(wellFormedToken('apns', '')).toBe(false);
  });

  it('accepts FCM tokens that are non-blank, without whitespace and of sane length', () => {
    expect(wellFormedToken('fcm', 'dGVzdA:APA91bH-x_y')).toBe(true);
    expect(wellFormedToken('fcm', '')).toBe(false);
    expect(wellFormedToken('fcm', 'two words')).toBe(false);
    expect(wellFormedToken('fcm', 'x'.repeat(4097))).toBe(false);
  });
});

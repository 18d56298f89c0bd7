import { describe, expect, it } from 'vitest';
import { describeReason, reasonLines } from '../../shared/reasons';

describe('reasons in words', () => {
  it('words each skip reason, Herald failure and push service code', () => {
    expect(describeReason('skipped', 'notificationsNotPermitted')).toBe('notifications turned off on the device');
    expect(describeReason('failed', 'malformedToken')).toBe('the device token is malformed, so no push service would take it');
    expect(describeReason('failed', 'BadDeviceToken')).toBe('the push service rejected the device token');
    expect(describeReason('failed', 'INVALID_ARGUMENT: Message is too big')).toBe('the message is too large for the push service');
    expect(describeReason('expired', 'ttlElapsed')).toBe('it was not delivered before the notification expired');
  });

  it('says when retries ran out or are still to come, from the status', () => {
    expect(describeReason('expired', 'HTTP 503')).toBe('retries ran out: the push service was unavailable');
    expect(describeReason('queued', 'QUOTA_EXCEEDED')).toBe('will retry: the push service asked Herald to slow down');
  });

  it('quotes a reason this version does not know instead of hiding it', () => {
    expect(describeReason('failed', 'SomethingNew')).toBe('the push service answered “SomethingNew”');
    expect(describeReason('skipped', 'deviceRetired')).toBe('a reason this version of Herald does not know (“deviceRetired”)');
    expect(describeReason('failed', 'toString')).toBe('the push service answered “toString”');
  });

  it('tells one line per status and reason, failures first and the most frequent first', () => {
    expect(reasonLines({ skipped: { notEnrolled: 1 }, failed: { BadDeviceToken: 1, malformedToken: 2 }, sent: { odd: 1 } })).toEqual([
      '2 failed: the device token is malformed, so no push service would take it',
      '1 failed: the push service rejected the device token',
      '1 skipped: the device is not enrolled any more',
    ]);
    expect(reasonLines(undefined)).toEqual([]);
  });
});

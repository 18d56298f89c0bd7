import { describe, expect, it } from 'vitest';
import { localValue, offsetMinutes, timeInWords, zonedInstant } from '../../../extension/utils/send-time';

/** A fixed clock: Sunday 6 December 2026, 10:00 UTC. */
const NOW = Date.parse('2026-12-06T10:00:00Z');

describe('the send time as sendAt', () => {
  it('carries the zone’s offset at that moment, summer and winter', () => {
    expect(zonedInstant('2026-12-07T15:30', 'Europe/London')).toBe('2026-12-07T15:30:00+00:00');
    expect(zonedInstant('2026-07-07T15:30', 'Europe/London')).toBe('2026-07-07T15:30:00+01:00');
    expect(zonedInstant('2026-12-07T15:30', 'America/New_York')).toBe('2026-12-07T15:30:00-05:00');
    expect(zonedInstant('2026-12-07T15:30', 'Asia/Kolkata')).toBe('2026-12-07T15:30:00+05:30');
    expect(Date.parse(zonedInstant('2026-12-07T15:30', 'Europe/Paris')!)).toBe(Date.parse('2026-12-07T14:30:00Z'));
  });

  it('reads the wall-clock time around a clock change in that zone', () => {
    // London goes to summer time at 01:00 UTC on 29 March 2026: 00:30 is still GMT, 02:30 already BST.
    expect(zonedInstant('2026-03-29T00:30', 'Europe/London')).toBe('2026-03-29T00:30:00+00:00');
    expect(zonedInstant('2026-03-29T02:30', 'Europe/London')).toBe('2026-03-29T02:30:00+01:00');
    expect(offsetMinutes(Date.parse('2026-03-29T01:30:00Z'), 'Europe/London')).toBe(60);
  });

  it('is null for a value that is not a date-time', () => {
    expect(zonedInstant('', 'Europe/London')).toBeNull();
    expect(zonedInstant('tomorrow', 'Europe/London')).toBeNull();
  });

  it('gives the picker’s value back for an instant', () => {
    expect(localValue(Date.parse('2026-07-07T14:30:00Z'), 'Europe/London')).toBe('2026-07-07T15:30');
    expect(localValue(Date.parse('2026-12-07T04:00:00Z'), 'Asia/Tokyo')).toBe('2026-12-07T13:00');
  });
});

describe('the send time in words', () => {
  it('says Today and Tomorrow by the calendar of the admin’s zone, with the zone’s name', () => {
    expect(timeInWords('2026-12-06T15:30:00+00:00', NOW, 'Europe/London')).toBe('Today, 15:30 Europe/London');
    expect(timeInWords('2026-12-07T15:30:00+00:00', NOW, 'Europe/London')).toBe('Tomorrow, 15:30 Europe/London');
    expect(timeInWords('2026-12-07T00:05:00+00:00', NOW, 'Europe/London')).toBe('Tomorrow, 00:05 Europe/London');
  });

  it('counts days where the admin is: 10:00 UTC is already evening in Tokyo', () => {
    // 7 December 01:00 in Tokyo is 16:00 UTC on the 6th: tomorrow there, although today in UTC.
    expect(timeInWords('2026-12-06T16:00:00Z', NOW, 'Asia/Tokyo')).toBe('Tomorrow, 01:00 Asia/Tokyo');
    expect(timeInWords('2026-12-06T16:00:00Z', NOW, 'UTC')).toBe('Today, 16:00 UTC');
  });

  it('otherwise names the date, with the year only when it is not this year', () => {
    expect(timeInWords('2026-12-16T15:30:00+00:00', NOW, 'Europe/London')).toBe('Wednesday 16 December, 15:30 Europe/London');
    expect(timeInWords('2027-01-04T09:00:00+00:00', NOW, 'Europe/London')).toBe('Monday 4 January 2027, 09:00 Europe/London');
  });
});

import { describe, expect, it } from 'vitest';
import { HeraldError } from '../../../extension/utils/api';
import { describeProblem, whenFree } from '../../../extension/utils/problem';

const now = new Date(2030, 0, 1, 14, 0, 0).getTime();

describe('describeProblem', () => {
  it('says the server is unreachable and what to check', () => {
    expect(describeProblem(new HeraldError(0, 'unreachable', 'Herald is unreachable at http://127.0.0.1:8787.'))).toBe(
      'Herald is unreachable at http://127.0.0.1:8787. Check that the server is running and that the Server URL in Options is right.',
    );
  });

  it('turns a 401 into advice about the token', () => {
    expect(describeProblem(new HeraldError(401, 'unauthenticated', 'x'))).toMatch(/refused the API token \(401\).*Options/);
  });

  it('keeps the missing permission that a 403 names', () => {
    expect(describeProblem(new HeraldError(403, 'forbidden', 'Missing permission Organization.Update.'))).toBe(
      'Not allowed: Missing permission Organization.Update.',
    );
  });

  it('tells when the quota frees from Retry-After', () => {
    const text = describeProblem(new HeraldError(429, 'quotaExceeded', 'Group sends: 25 per hour used.', 600), now);
    expect(text).toBe(
      `Quota reached: Group sends: 25 per hour used. You can send again in 10 minutes (at ${new Date(now + 600_000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}).`,
    );
  });
});

describe('whenFree', () => {
  it('counts seconds under a minute and rounds minutes up', () => {
    expect(whenFree(42, now)).toMatch(/^in 42 seconds/);
    expect(whenFree(61, now)).toMatch(/^in 2 minutes/);
    expect(whenFree(60, now)).toMatch(/^in 1 minute \(/);
  });
});

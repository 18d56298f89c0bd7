import { describe, expect, it } from 'vitest';
import { appUpdateRequired, compareVersions } from '../../../server/dispatch/app-versions';

describe('compareVersions', () => {
  it.each([
    ['5.0.5291.0', '5.0.5291.0', 0],
    ['5.0.5290.9', '5.0.5291.0', -1],
    ['5.0.10000.0', '5.0.5291.0', 1],
    ['2021.9.4', '2021.09.04', 0],
    ['2021.09.10', '2021.09.04', 1],
    ['5.0', '5.0.0.0', 0],
    ['5.1', '5.0.9999.9', 1],
  ])('%s vs %s is %d (numerically, part by part)', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
    expect(compareVersions(b, a)).toBe(-expected || 0);
  });
});

describe('appUpdateRequired', () => {
  it('holds only for Android apps older than the minimum, and gives an unknown app or version the benefit of the doubt', () => {
    expect(appUpdateRequired('android', 'companyPortal', '5.0.5290.0')).toBe(true);
    expect(appUpdateRequired('android', 'intuneApp', '2021.09.03')).toBe(true);
    expect(appUpdateRequired('android', 'intuneApp', '2021.09.04')).toBe(false);
    expect(appUpdateRequired('ios', 'companyPortal', '1.0')).toBe(false);
    expect(appUpdateRequired('android', null, '1.0')).toBe(false);
    expect(appUpdateRequired('android', 'companyPortal', null)).toBe(false);
  });

  it('answers for the app asked about, whichever app or version was asked about before', () => {
    expect(appUpdateRequired('android', 'companyPortal', '2021.09.03')).toBe(false);
    expect(appUpdateRequired('android', 'intuneApp', '2021.09.03')).toBe(true);
    expect(appUpdateRequired('android', 'intuneApp', '2021.09.04')).toBe(false);
    expect(appUpdateRequired('android', 'companyPortal', '5.0.5290.0')).toBe(true);
    expect(appUpdateRequired('android', 'companyPortal', '5.0.5290.0')).toBe(true);
    expect(appUpdateRequired('ios', 'companyPortal', '5.0.5290.0')).toBe(false);
  });
});

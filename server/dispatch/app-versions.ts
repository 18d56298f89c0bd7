/** Compares dotted versions numerically part by part ("5.0.10" > "5.0.9"); missing or non-numeric parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((p) => parseInt(p, 10) || 0);
  const pb = b.split('.').map((p) => parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** The oldest Android app versions that show custom notifications; older ones get an update prompt instead. */
export const MIN_ANDROID_APP_VERSIONS = { companyPortal: '5.0.5291.0', intuneApp: '2021.09.04' } as const;

type App = keyof typeof MIN_ANDROID_APP_VERSIONS;

/** True for an Android device whose app is known to be too old; an unknown app or version is given the benefit of the doubt. */
export function appUpdateRequired(platform: string, app: App | null, appVersion: string | null): boolean {
  if (platform !== 'android' || !app || !appVersion) return false;
  // asked for every Android push, mostly for one app and version after another: the last answer is kept
  if (app !== last.app || appVersion !== last.appVersion)
    last = { app, appVersion, tooOld: compareVersions(appVersion, MIN_ANDROID_APP_VERSIONS[app]) < 0 };
  return last.tooOld;
}

let last: { app: App | null; appVersion: string | null; tooOld: boolean } = { app: null, appVersion: null, tooOld: false };

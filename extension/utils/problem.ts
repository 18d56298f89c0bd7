import { HeraldError } from './api';
import { clock, plural } from './format';

/** When a quota frees, in words: "in 12 minutes (at 14:05)". */
export function whenFree(seconds: number, now = Date.now()): string {
  const minutes = Math.ceil(seconds / 60);
  const span = seconds < 60 ? `${Math.max(1, Math.ceil(seconds))} seconds` : plural(minutes, 'minute');
  return `in ${span} (at ${clock(new Date(now + seconds * 1000))})`;
}

/** Any failure as a sentence an admin understands, with what to do about it. */
export function describeProblem(error: unknown, now = Date.now()): string {
  if (!(error instanceof HeraldError)) return error instanceof Error ? error.message : String(error);
  switch (error.status) {
    case 0:
      return `${error.message} Check that the server is running and that the Server URL in Options is right.`;
    case 401:
      if (error.code === 'signIn') return error.message;
      return 'Herald refused the API token (401): it is missing, wrong or revoked. Paste a valid token in Options.';
    case 403:
      return `Not allowed: ${error.message}`;
    case 429:
      return error.retryAfter === null
        ? `Quota reached: ${error.message}`
        : `Quota reached: ${error.message} You can send again ${whenFree(error.retryAfter, now)}.`;
    default:
      return error.message;
  }
}

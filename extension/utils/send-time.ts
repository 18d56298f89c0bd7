/** The admin's time zone, as the browser knows it ("Europe/London"). */
export const adminTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The calendar date and time of day an instant shows in a zone, as numbers. */
function wallClock(at: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** How far a zone's clock is ahead of UTC at an instant, in minutes (British Summer Time: 60). */
export function offsetMinutes(at: number, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(at / 1000) * 1000) / 60_000);
}

const pad = (n: number) => String(n).padStart(2, '0');

const offsetText = (minutes: number) =>
  `${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;

/**
 * A date-time picker's value (`2026-12-07T15:30`, a wall-clock time in `timeZone`) as the RFC 3339 instant a send's
 * `sendAt` takes, with the zone's offset at that moment: `2026-12-07T15:30:00+00:00`. A time that a clock change skips
 * (01:30 on the night summer time starts) is read with the offset from before the change, as the browser's own picker does.
 * Null when the value is not a date-time.
 */
export function zonedInstant(local: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return null;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  if (Number.isNaN(asUtc)) return null;
  // The offset is the zone's at the instant itself: try the offset at the guess, then at the instant it gives.
  let offset = offsetMinutes(asUtc, timeZone);
  offset = offsetMinutes(asUtc - offset * 60_000, timeZone);
  return `${local}:00${offsetText(offset)}`;
}

/** The picker's value for an instant in a zone (`2026-12-07T15:30`), e.g. to preset the next full hour. */
export function localValue(at: number, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/** Days from one calendar date to another (as each shows in the zone). */
function dayDifference(from: number, to: number, timeZone: string): number {
  const a = wallClock(from, timeZone);
  const b = wallClock(to, timeZone);
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000);
}

/**
 * When a scheduled send goes, in words, in the admin's zone named after it: "Today, 15:30 Europe/London", "Tomorrow,
 * 09:00 Europe/Paris", otherwise the date: "Wednesday 16 December, 15:30 Europe/London" (with the year when it is not
 * this year's).
 */
export function timeInWords(instant: string | number, now: number, timeZone: string): string {
  const at = typeof instant === 'number' ? instant : Date.parse(instant);
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  const days = dayDifference(now, at, timeZone);
  if (days === 0) return `Today, ${time} ${timeZone}`;
  if (days === 1) return `Tomorrow, ${time} ${timeZone}`;
  if (days === -1) return `Yesterday, ${time} ${timeZone}`;
  const sameYear = wallClock(at, timeZone).year === wallClock(now, timeZone).year;
  const date = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(sameYear ? {} : { year: 'numeric' }),
  }).format(at);
  return `${date.replace(',', '')}, ${time} ${timeZone}`;
}

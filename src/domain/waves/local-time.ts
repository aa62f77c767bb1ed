/**
 * Wall-clock times in IANA time zones, for schedules ("every day at 10:00
 * Asia/Tashkent"), with Intl only (workerd ships the zone data). A local time
 * is turned into an instant with the zone's offset AT that local time, so a
 * 10:00 Berlin schedule runs at 09:00 UTC in winter and 08:00 UTC in summer.
 * Around a DST change (Temporal's "compatible" rule): a time that does not
 * exist (the spring-forward gap, e.g. 02:30) runs that much later (03:30);
 * a time that exists twice (fall back) runs at the first.
 * @see https://tc39.es/proposal-temporal/docs/timezone.html#ambiguity-due-to-dst-or-other-time-zone-offset-changes
 */

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether Intl knows the zone (`Asia/Tashkent`, `UTC`; not `Mars/Base`). */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(zone)) return false;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function wallClock(instant: number, zone: string): Wall {
  const out: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(instant))) {
    if (p.type !== "literal") out[p.type] = Number(p.value);
  }
  return out as unknown as Wall;
}

const wallMs = (w: Wall) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

/** local − UTC at `instant`, in ms. */
function offsetAt(instant: number, zone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return wallMs(wallClock(whole, zone)) - whole;
}

/** The instant the zone's clocks show `hh:mm` on the given local date (gaps and overlaps as above). */
export function zonedInstant(
  date: { year: number; month: number; day: number },
  hh: number,
  mm: number,
  zone: string,
): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hh, mm);
  // Offsets a day either side: one transition at most in between.
  const before = wall - offsetAt(wall - DAY_MS, zone);
  const after = wall - offsetAt(wall + DAY_MS, zone);
  const valid = [before, after].filter((t) => t + offsetAt(t, zone) === wall).sort((a, b) => a - b);
  // None valid: the gap. The offset before the change moves it forward by the gap's length.
  return valid[0] ?? before;
}

/** `HH:MM` → [hours, minutes]. */
export function parseTimeOfDay(text: string): [number, number] {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!m) throw new RangeError(`not a time of day: ${text}`);
  return [Number(m[1]), Number(m[2])];
}

/** The first instant strictly after `after` at which the zone's clocks show `timeOfDay`. */
export function nextLocalTime(timeOfDay: string, zone: string, after: number): number {
  const [hh, mm] = parseTimeOfDay(timeOfDay);
  const today = wallClock(after, zone);
  for (let i = 0; i < 3; i++) {
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day + i));
    const t = zonedInstant(
      { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() },
      hh,
      mm,
      zone,
    );
    if (t > after) return t;
  }
  throw new Error("unreachable: a local time recurs within three days");
}

const pad = (n: number, l = 2) => String(n).padStart(l, "0");

/** `YYYY-MM-DD` of `instant` in the zone (a schedule run's date). */
export function localDate(instant: number, zone: string): string {
  const w = wallClock(instant, zone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** `YYYY-MM-DDTHH:MM` of `instant` on the zone's clock. */
export function localDateTime(instant: number, zone: string): string {
  const w = wallClock(instant, zone);
  return `${localDate(instant, zone)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/**
 * UTC offsets of an IANA time zone, found with Intl (the only tz database a workflow sandbox has).
 *
 * Intl formatting costs microseconds per call, so offsets are sampled once a week and a change is
 * pinned down by bisection: a year costs about 60 calls instead of one per day or minute.
 * Assumes a zone never changes its offset twice within SAMPLE_STEP_MS (true of every zone in use).
 */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
const SAMPLE_STEP_MS = 7 * DAY_MS;
const SCAN_HORIZON_MS = 400 * DAY_MS;

/** A stretch of UTC time [startMs, endMs) during which the zone's offset is constant. */
export interface OffsetSegment {
  startMs: number;
  endMs: number;
  offsetMs: number;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterOf(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * Per zone, shared by every ZoneOffsets of it: building an Intl formatter costs about a
 * millisecond, far more than the few calls most callers make with it.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * Stretches of constant offset already found, per zone, sorted and merged: a case, a calendar and
 * a view of the same zone ask about the same weeks again. They hold what a fresh scan would find
 * (under the assumption above), so an answer never depends on what was asked before.
 */
const knownSegments = new Map<string, OffsetSegment[]>();
/** Far more than a zone's offset changes over any span a case looks at; past it, start over. */
const MAX_KNOWN_SEGMENTS = 256;

function knownOffset(segments: OffsetSegment[] | undefined, utcMs: number): number | undefined {
  if (!segments) return undefined;
  let low = 0;
  let high = segments.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const segment = segments[middle];
    if (utcMs < segment.startMs) high = middle - 1;
    else if (utcMs >= segment.endMs) low = middle + 1;
    else return segment.offsetMs;
  }
  return undefined;
}

function remember(timeZone: string, found: OffsetSegment): void {
  let segments = knownSegments.get(timeZone);
  if (!segments || segments.length >= MAX_KNOWN_SEGMENTS) {
    segments = [];
    knownSegments.set(timeZone, segments);
  }
  // Merge with every known stretch it overlaps or touches at the same offset; keep the list sorted.
  let merged = { ...found };
  const kept: OffsetSegment[] = [];
  for (const segment of segments) {
    if (segment.offsetMs === merged.offsetMs && segment.startMs <= merged.endMs && merged.startMs <= segment.endMs) {
      merged = { startMs: Math.min(segment.startMs, merged.startMs), endMs: Math.max(segment.endMs, merged.endMs), offsetMs: merged.offsetMs };
    } else {
      kept.push(segment);
    }
  }
  const at = kept.findIndex((segment) => segment.startMs > merged.startMs);
  kept.splice(at < 0 ? kept.length : at, 0, merged);
  knownSegments.set(timeZone, kept);
}

export class ZoneOffsets {
  private readonly formatter: Intl.DateTimeFormat;

  constructor(readonly timeZone: string) {
    this.formatter = formatterOf(timeZone);
  }

  /** Offset (local minus UTC) in force at a UTC instant. */
  offsetAt(utcMs: number): number {
    return knownOffset(knownSegments.get(this.timeZone), utcMs) ?? this.formattedOffsetAt(utcMs);
  }

  private formattedOffsetAt(utcMs: number): number {
    const wholeSecond = Math.floor(utcMs / 1000) * 1000;
    // "1/2/2026, 13:04:05" — format() is several times cheaper than formatToParts().
    const text = this.formatter.format(wholeSecond);
    const match = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/.exec(text);
    if (!match) throw new Error(`Unexpected date format from Intl for ${this.timeZone}: ${text}`);
    const [, month, day, year, hour, minute, second] = match.map(Number);
    return Date.UTC(year, month - 1, day, hour, minute, second) - wholeSecond;
  }

  /**
   * The segment of constant offset that contains utcMs, ending at the next offset change found
   * within a scan horizon (or at the horizon: the caller then asks again from there).
   */
  segmentAt(utcMs: number): OffsetSegment {
    const segment = this.scanSegmentAt(utcMs);
    remember(this.timeZone, segment);
    return segment;
  }

  private scanSegmentAt(utcMs: number): OffsetSegment {
    const offsetMs = this.offsetAt(utcMs);
    let probe = utcMs;
    const limit = utcMs + SCAN_HORIZON_MS;
    while (probe < limit) {
      const next = Math.min(probe + SAMPLE_STEP_MS, limit);
      if (this.offsetAt(next) !== offsetMs) {
        return { startMs: utcMs, endMs: this.firstChangeAfter(probe, next, offsetMs), offsetMs };
      }
      probe = next;
    }
    return { startMs: utcMs, endMs: limit, offsetMs };
  }

  /** Wall-clock time of a UTC instant, as milliseconds on a UTC-based axis ("local epoch ms"). */
  toLocalMs(utcMs: number): number {
    return utcMs + this.offsetAt(utcMs);
  }

  /**
   * The first UTC instant whose wall-clock time is at or after localMs. For a wall time skipped by
   * a DST gap this is the end of the gap; for a repeated one, its first occurrence.
   */
  firstInstantAtOrAfterLocal(localMs: number): number {
    // Offsets lie within ±18 h: start the walk well before and step through segments.
    let cursor = localMs - 18 * HOUR_MS - DAY_MS;
    for (;;) {
      const segment = this.segmentAt(cursor);
      const candidate = Math.max(segment.startMs, localMs - segment.offsetMs);
      if (candidate < segment.endMs) return candidate;
      cursor = segment.endMs;
    }
  }

  /** Bisects (lo, hi] to the first whole second whose offset differs from `offsetMs`. */
  private firstChangeAfter(lo: number, hi: number, offsetMs: number): number {
    let low = Math.floor(lo / 1000) * 1000;
    let high = Math.ceil(hi / 1000) * 1000;
    while (high - low > 1000) {
      const mid = Math.floor((low + high) / 2000) * 1000;
      if (this.offsetAt(mid) === offsetMs) low = mid;
      else high = mid;
    }
    return high;
  }
}

/**
 * ISO 8601 with the zone's offset, e.g. "2026-10-02T09:00:00+08:00" (D-18). Before zones kept whole
 * minutes (local mean time, e.g. +08:05:43 in Shanghai before 1901) ISO 8601 has no way to write
 * the offset: such an instant is written in UTC ("Z"), still the same instant.
 */
export function formatInstant(utcMs: number, zone: ZoneOffsets): string {
  const offsetMs = zone.offsetAt(utcMs);
  if (offsetMs % MINUTE_MS !== 0) return `${new Date(Math.floor(utcMs / 1000) * 1000).toISOString().slice(0, 19)}Z`;
  const local = new Date(utcMs + offsetMs).toISOString().slice(0, 19);
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.abs(offsetMs) / MINUTE_MS;
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}

/** YYYY-MM-DD of a local day number (days since 1970-01-01 on the local wall-clock axis). */
export function localDateKey(localDay: number): string {
  return new Date(localDay * DAY_MS).toISOString().slice(0, 10);
}

/** Local calendar date (YYYY-MM-DD) of an instant in a zone. */
export function localDateOf(utcMs: number, zone: ZoneOffsets): string {
  return localDateKey(Math.floor(zone.toLocalMs(utcMs) / DAY_MS));
}

/** Same wall-clock time `months` calendar months later in the zone, clamped to the month's end. */
export function addCalendarMonths(utcMs: number, months: number, zone: ZoneOffsets): number {
  const local = new Date(zone.toLocalMs(utcMs));
  const target = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  const timeOfDay = local.getTime() - Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  const localResult = Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(local.getUTCDate(), lastDay)) + timeOfDay;
  return zone.firstInstantAtOrAfterLocal(localResult);
}

/**
 * ZoneOffsets remembers the stretches of constant offset it has found, per zone and shared by
 * every instance: an answer must never depend on what was asked before. The oracle asks Intl for
 * the offset's name (`longOffset`, a path ZoneOffsets does not take) at each instant.
 */
import fc from 'fast-check';
import { DAY_MS, ZoneOffsets, formatInstant } from '../../domain/time-zone';

/** Zones with daylight saving in either hemisphere, a half-hour shift, and none at all. */
const ZONES = ['America/New_York', 'Europe/London', 'Australia/Sydney', 'Australia/Lord_Howe', 'Asia/Shanghai', 'America/Sao_Paulo'];
const FROM_MS = Date.UTC(2008, 0, 1);
const TO_MS = Date.UTC(2030, 0, 1);

function oracleOffset(timeZone: string, utcMs: number): number {
  // Intl's own name of the offset ("GMT+08:00", "GMT-03:30", "GMT"): no wall-clock arithmetic at all.
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(Math.floor(utcMs / 1000) * 1000).find((part) => part.type === 'timeZoneName')!.value;
  const match = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(name);
  if (!match) throw new Error(`Unexpected offset name ${name}`);
  const [, sign, hours = '0', minutes = '0', seconds = '0'] = match;
  return (sign === '-' ? -1 : 1) * ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000;
}

const instant = fc.integer({ min: FROM_MS, max: TO_MS });
/** Either step: a question about an offset, or scans of consecutive stretches that leave them remembered. */
const question = fc.record({ zone: fc.constantFrom(...ZONES), atMs: instant, scans: fc.integer({ min: 0, max: 3 }) });

describe('ZoneOffsets', () => {
  it('answers every offset as Intl does, whatever was asked before and in whatever order', () => {
    fc.assert(
      fc.property(fc.array(question, { minLength: 1, maxLength: 40 }), (questions) => {
        for (const { zone, atMs, scans } of questions) {
          const offsets = new ZoneOffsets(zone);
          let from = atMs;
          for (let scan = 0; scan < scans; scan += 1) {
            const segment = offsets.segmentAt(from);
            // The stretch found is constant inside (its end is a change or the scan horizon).
            expect(oracleOffset(zone, segment.startMs)).toBe(segment.offsetMs);
            expect(oracleOffset(zone, segment.endMs - 1000)).toBe(segment.offsetMs);
            expect(segment.endMs - segment.startMs).toBeLessThanOrEqual(400 * DAY_MS);
            from = segment.endMs;
          }
          for (const probe of [atMs, from, from - 1000]) expect(offsets.offsetAt(probe)).toBe(oracleOffset(zone, probe));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('finds the changes of a year exactly to the second, remembered or not', () => {
    const zone = new ZoneOffsets('Europe/London');
    // 2026: clocks go forward at 01:00 UTC on 29 March and back at 01:00 UTC on 25 October.
    const spring = Date.UTC(2026, 2, 29, 1);
    const autumn = Date.UTC(2026, 9, 25, 1);
    for (let pass = 0; pass < 2; pass += 1) {
      expect(zone.segmentAt(Date.UTC(2026, 0, 10)).endMs).toBe(spring);
      expect(zone.segmentAt(spring).endMs).toBe(autumn);
      expect(zone.offsetAt(spring - 1000)).toBe(0);
      expect(zone.offsetAt(spring)).toBe(3_600_000);
      expect(formatInstant(autumn - 1000, zone)).toBe('2026-10-25T01:59:59+01:00');
      expect(formatInstant(autumn, zone)).toBe('2026-10-25T01:00:00+00:00');
    }
  });

  test('an instant whose offset has seconds (local mean time before 1901) is written in UTC, still the same instant', () => {
    const zone = new ZoneOffsets('Asia/Shanghai');
    const lmt = Date.UTC(1890, 5, 1, 4, 0, 0);
    expect(zone.offsetAt(lmt) % 60_000).not.toBe(0);
    const written = formatInstant(lmt, zone);
    expect(written).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/);
    expect(Date.parse(written)).toBe(lmt);
    expect(formatInstant(Date.UTC(2026, 0, 1), zone)).toBe('2026-01-01T08:00:00+08:00');
  });
});

/**
 * Target 6: adding a year of working time ≤ 1 ms. Pure CPU in the bench process, with nothing
 * else running; start instants spread over 2026 so DST changes and weekends are crossed.
 */
import { performance } from 'node:perf_hooks';
import { BusinessCalendar } from '../../domain/calendar';
import { DAY_MS, HOUR_MS } from '../../domain/time-zone';
import { standardCalendars } from '../../domain/sla-policy';
import { type Result, round, seededRandom } from './util';

export interface CalendarSizes {
  warmUp: number;
  iterations: number;
}

const LIMIT_MS = 1;
const YEAR_2026_MS = Date.UTC(2026, 0, 1);

const CASES = [
  {
    id: '6a',
    name: '5×8 Asia/Shanghai (9–12, 13–18)',
    spec: standardCalendars('Asia/Shanghai')['5x8'],
    // A year of a full-time working calendar: 52 weeks × 5 days × 8 h.
    durationMs: 52 * 5 * 8 * HOUR_MS,
  },
  {
    id: '6b',
    name: '24×7 Europe/Berlin',
    spec: standardCalendars('Europe/Berlin')['24x7'],
    durationMs: 365 * DAY_MS,
  },
];

export function benchCalendar(sizes: CalendarSizes): Result[] {
  return CASES.map(({ id, name, spec, durationMs }) => {
    const calendar = new BusinessCalendar(spec);
    const random = seededRandom(6);
    const starts = Array.from({ length: sizes.warmUp + sizes.iterations }, () => YEAR_2026_MS + Math.floor(random() * 365 * DAY_MS));
    let checksum = 0;
    for (let i = 0; i < sizes.warmUp; i++) checksum += calendar.addWorkingTime(starts[i], durationMs) - starts[i];
    const began = performance.now();
    for (let i = sizes.warmUp; i < starts.length; i++) checksum += calendar.addWorkingTime(starts[i], durationMs) - starts[i];
    const averageMs = (performance.now() - began) / sizes.iterations;
    // The checksum keeps the calls from being optimised away and shows the spans are a year long.
    const averageSpanDays = checksum / starts.length / DAY_MS;
    return {
      id,
      target: `calendar: add a year of working time, ${name}`,
      measured: `${round(averageMs * 1000, 1)} µs/call`,
      limit: `≤ ${LIMIT_MS * 1000} µs`,
      pass: averageMs <= LIMIT_MS,
      value: averageMs,
      unit: 'ms/call',
      details: { iterations: sizes.iterations, warmUp: sizes.warmUp, workingHours: durationMs / HOUR_MS, averageSpanDays: round(averageSpanDays, 1) },
    };
  });
}

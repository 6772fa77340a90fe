/**
 * Calendar routes (D-20): a region's official days (package + operator years), an operator's
 * addition of a year, and read-only helpers that let backend teams compute in working time with
 * exactly the calendars cases use.
 */
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { BusinessCalendar, type CalendarSpec } from '../../domain/calendar';
import { type CalendarDataSource, contractPolicy } from '../../domain/contract';
import { presetPolicy } from '../../domain/sla-policy';
import { ZoneOffsets, formatInstant, localDateOf } from '../../domain/time-zone';
import { OFFICIAL_DAYS_FAILURES } from '../../workflows/official-days';
import { loadContract } from '../intake';
import { type AccessDeps, securedRouter } from '../access/middleware';
import { actorOf } from '../actor';
import { HttpError } from '../errors';
import { materializeCalendar } from './materialize';
import { canonicalRegion, officialDays, packageCoversYear } from './official-days';
import { addOperatorYear, readOperatorYears } from './operator-years';
import { addYearBody, nextWorkingInstantBody, officialDaysQuery, regionParams, workingTimeBody, type CalendarInput } from './schemas';

export interface CalendarsRouterDeps extends AccessDeps {
  taskQueue: string;
}

interface ResolvedCalendar {
  calendar: BusinessCalendar;
  /** Years between `fromMs` and `untilMs` with no official data (preset calendars only). */
  missingYears?: number[];
}

const MINUTE_MS = 60_000;
const YEAR_MS = 366 * 86_400_000;

export function calendarsRouter(deps: CalendarsRouterDeps): Router {
  const { client, taskQueue } = deps;
  const router = securedRouter(deps);

  /** A calendar as given, or a preset's with the official days of the years fromMs–untilMs. */
  async function resolve(input: CalendarInput, fromMs: number, untilMs: number): Promise<ResolvedCalendar> {
    if (input.kind === 'spec') return { calendar: new BusinessCalendar(input.spec) };
    if (input.kind === 'preset') {
      const { preset, calendar: name, timeZone, region, ...changes } = input.ref;
      return withOfficialDays(presetPolicy(preset, timeZone).calendars[name], { region, ...changes }, fromMs, untilMs);
    }
    const { contractId, calendar: name } = input.ref;
    const { terms } = await loadContract(client, contractId);
    const calendars = contractPolicy(terms).calendars;
    if (!Object.hasOwn(calendars, name)) {
      const message = `The policy of contract ${contractId} has no calendar "${name}"; use one of ${Object.keys(calendars).join(', ')}`;
      throw new HttpError(400, 'invalid_request', message, { issues: [{ code: 'custom', path: ['calendar', 'calendar'], message }] });
    }
    return withOfficialDays(calendars[name], terms.calendarData, fromMs, untilMs);
  }

  /** A calendar with its region's official days (and the contract's changes) for the years fromMs–untilMs. */
  async function withOfficialDays(spec: CalendarSpec, source: CalendarDataSource, fromMs: number, untilMs: number): Promise<ResolvedCalendar> {
    const region = canonicalRegion(source.region);
    const zone = new ZoneOffsets(spec.timeZone);
    const years = { from: Number(localDateOf(fromMs, zone).slice(0, 4)), to: Number(localDateOf(untilMs, zone).slice(0, 4)) };
    const days = officialDays(region, years.from, years.to, await readOperatorYears(client, region));
    return { calendar: new BusinessCalendar(materializeCalendar(spec, days, { ...source, region }, years)), missingYears: days.missingYears };
  }

  function coverageOf(calendar: BusinessCalendar, fromMs: number, toMs: number, missingYears?: number[]) {
    const coverage = calendar.spec.dataCoverage;
    if (!coverage) return {};
    const zone = new ZoneOffsets(calendar.timeZone);
    const outside = localDateOf(fromMs, zone) < coverage.from || localDateOf(toMs, zone) > coverage.to;
    return { dataCoverage: coverage, outsideDataCoverage: outside, ...(missingYears ? { missingYears } : {}) };
  }

  router.get('/:region/official-days', async (req, res) => {
    const { region } = regionParams.parse(req.params);
    const years = officialDaysQuery.parse(req.query);
    const operatorYears = await readOperatorYears(client, region);
    res.json({ ...officialDays(region, years.from, years.to, operatorYears), from: years.from, to: years.to });
  });

  router.post('/:region/official-days', async (req, res) => {
    const { region } = regionParams.parse(req.params);
    const body = addYearBody.parse({ ...req.body, by: actorOf(req) });
    // The package's year counts as existing too: an operator overrides it only on purpose.
    if (!body.replace && packageCoversYear(region, body.year)) {
      throw new HttpError(409, OFFICIAL_DAYS_FAILURES.yearExists, `${region} ${body.year} comes from the maintained package; send replace: true to override it`);
    }
    const added = await addOperatorYear(client, taskQueue, region, body);
    res
      .status(added.replaced ? 200 : 201)
      .location(`/calendars/${encodeURIComponent(region)}/official-days?year=${added.year}`)
      .json({ region, ...added });
  });

  router.post('/working-time', async (req, res) => {
    const body = workingTimeBody.parse(req.body);
    const [fromMs, toMs] = [Date.parse(body.from), Date.parse(body.to)];
    const { calendar, missingYears } = await resolve(body.calendar, fromMs, toMs);
    const zone = new ZoneOffsets(calendar.timeZone);
    const workingMs = calendar.workingTimeBetween(fromMs, toMs);
    res.json({
      timeZone: calendar.timeZone,
      from: formatInstant(fromMs, zone),
      to: formatInstant(toMs, zone),
      workingMinutes: workingMs / MINUTE_MS,
      ...coverageOf(calendar, fromMs, toMs, missingYears),
    });
  });

  router.post('/next-working-instant', async (req, res) => {
    const body = nextWorkingInstantBody.parse(req.body);
    const atMs = Date.parse(body.at);
    // A year ahead covers every calendar with working time; BusinessCalendar gives up after ten.
    const { calendar, missingYears } = await resolve(body.calendar, atMs, atMs + YEAR_MS);
    const zone = new ZoneOffsets(calendar.timeZone);
    const nextMs = calendar.nextWorkingInstant(atMs);
    res.json({
      timeZone: calendar.timeZone,
      at: formatInstant(atMs, zone),
      nextWorkingInstant: formatInstant(nextMs, zone),
      workingNow: nextMs === atMs,
      ...coverageOf(calendar, atMs, nextMs, missingYears),
    });
  });

  return router;
}

/** Request schemas of the calendar routes: the only definition of each request. */
import { z } from 'zod';
import type { CalendarSpec } from '../../domain/calendar';
import { actor, identifier } from '../../domain/contract-schema';
import { calendarSpecSchema, timeZoneSchema } from '../../domain/policy-schema';
import { DEFAULT_TIME_ZONE, PRESET_IDS, presetPolicy } from '../../domain/sla-policy';
import { MAX_YEAR, MIN_YEAR, officialYearProblems } from '../../domain/official-days';
import { DEFAULT_REGION, canonicalRegion, isKnownRegion } from './official-days';

const REGION_MESSAGE = 'Unknown region: use CN, or a country or country-state code such as US or DE-BE';
const region = z.string().refine(isKnownRegion, REGION_MESSAGE).transform(canonicalRegion);
const timeZone = timeZoneSchema;
const localDate = z.iso.date();
const instant = z.iso.datetime({ offset: true });
const year = z.coerce.number().int().min(MIN_YEAR).max(MAX_YEAR);
const dates = z.array(z.string().max(40)).max(400);

/** Longest span the helpers walk: the business calendar searches ten years at most. */
const MAX_SPAN_MS = 3650 * 86_400_000;
const MAX_YEARS_PER_READ = 50;

export const regionParams = z.object({ region });

/** The query's fields, as the API documents them (the whole rule is `officialDaysQuery`). */
export const officialDaysQueryFields = z.object({ year: year.optional(), from: year.optional(), to: year.optional() });

/** `?year=2026`, or `?from=2026&to=2027`. */
export const officialDaysQuery = officialDaysQueryFields.transform((query, ctx) => {
  if (query.year !== undefined && query.from === undefined && query.to === undefined) return { from: query.year, to: query.year };
  if (query.year === undefined && query.from !== undefined && query.to !== undefined && query.to >= query.from && query.to - query.from < MAX_YEARS_PER_READ) {
    return { from: query.from, to: query.to };
  }
  ctx.addIssue({ code: 'custom', path: ['year'], message: `Give year, or from and to (from ≤ to, at most ${MAX_YEARS_PER_READ} years)` });
  return z.NEVER;
});

export const addYearBody = z
  .object({
    // Range and dates are checked below, by the same function as the workflow's update validator.
    year: z.number(),
    holidays: dates,
    workingDays: dates.default([]),
    by: actor,
    source: z.string().trim().min(1).max(500).optional(),
    replace: z.boolean().default(false),
  })
  .superRefine((body, ctx) => {
    for (const problem of officialYearProblems(body)) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  });

export type AddYearBody = z.infer<typeof addYearBody>;

/** A calendar given in full: built once by the schema, so one without working time is a 400 naming it. */
const calendarSpec = calendarSpecSchema;

/** A calendar of a preset, with the official days of a region and a contract's own changes. */
const presetCalendar = z
  .object({
    preset: z.enum(PRESET_IDS),
    calendar: z.string().min(1).max(40),
    timeZone: timeZone.default(DEFAULT_TIME_ZONE),
    region: region.default(DEFAULT_REGION),
    addHolidays: z.array(localDate).max(400).optional(),
    removeHolidays: z.array(localDate).max(400).optional(),
    addWorkingDays: z.array(localDate).max(400).optional(),
    removeWorkingDays: z.array(localDate).max(400).optional(),
  })
  .superRefine((ref, ctx) => {
    const names = Object.keys(presetPolicy(ref.preset).calendars);
    if (!names.includes(ref.calendar)) {
      ctx.addIssue({ code: 'custom', path: ['calendar'], message: `Preset ${ref.preset} has no calendar "${ref.calendar}"; use one of ${names.join(', ')}` });
    }
    const both = (ref.addHolidays ?? []).filter((date) => (ref.addWorkingDays ?? []).includes(date));
    if (both.length > 0) ctx.addIssue({ code: 'custom', path: ['addWorkingDays'], message: `${both.join(', ')}: added both as a holiday and as a working day` });
  });

export type PresetCalendarRef = z.infer<typeof presetCalendar>;

/** A calendar of a contract's policy, with the contract's calendar data: what its cases count in. */
const contractCalendar = z.object({ contractId: identifier, calendar: z.string().min(1).max(40) });
export type ContractCalendarRef = z.infer<typeof contractCalendar>;

export type CalendarInput = { kind: 'spec'; spec: CalendarSpec } | { kind: 'preset'; ref: PresetCalendarRef } | { kind: 'contract'; ref: ContractCalendarRef };

/** Any form; `contractId` or `preset` tells which, so a mistake is reported against the form the caller meant. */
const calendarInput = z.unknown().transform((value, ctx): CalendarInput => {
  const has = (key: string) => typeof value === 'object' && value !== null && key in value;
  const kind = has('contractId') ? 'contract' : has('preset') ? 'preset' : 'spec';
  const result = (kind === 'contract' ? contractCalendar : kind === 'preset' ? presetCalendar : calendarSpec).safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    return z.NEVER;
  }
  if (kind === 'contract') return { kind, ref: result.data as ContractCalendarRef };
  return kind === 'preset' ? { kind, ref: result.data as PresetCalendarRef } : { kind, spec: result.data as CalendarSpec };
});

export const workingTimeBody = z.object({ calendar: calendarInput, from: instant, to: instant }).superRefine((body, ctx) => {
  const span = Date.parse(body.to) - Date.parse(body.from);
  if (span < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to is before from' });
  if (span > MAX_SPAN_MS) ctx.addIssue({ code: 'custom', path: ['to'], message: 'Ask for ten years at most' });
});

export const nextWorkingInstantBody = z.object({ calendar: calendarInput, at: instant });

/**
 * SLA policies and calendars as validated data (D-1, D-20): what a contract may carry as its
 * own policy instead of a preset. Parsing also builds each calendar once, so a calendar without any
 * working time (a window would never end) is refused here, not discovered by a case.
 */
import { z } from 'zod';
import { DEFECT_RULES, REQUIREMENT_RULES } from './entitlement';
import { BusinessCalendar, CalendarError, WEEKDAYS, type CalendarSpec, type Weekday } from './calendar';
import { MEETING_EVENTS, ON_SITE_BILLING, SITE_ZONES, type SlaPolicy } from './sla-policy';
import { isValidTimeZone } from './time-zone';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'Use HH:MM (00:00–24:00)');
const timeRange = z.tuple([clock, clock]);
const localDate = z.iso.date();

export const timeZoneSchema = z.string().refine(isValidTimeZone, 'Not an IANA time zone');

export const calendarSpecSchema = z
  .object({
    timeZone: timeZoneSchema,
    weekly: z.object(Object.fromEntries(WEEKDAYS.map((day) => [day, z.array(timeRange).max(8).optional()])) as Record<Weekday, z.ZodOptional<z.ZodArray<typeof timeRange>>>),
    holidays: z.array(localDate).max(5000).optional(),
    extraWorkingDays: z.array(localDate).max(2000).optional(),
    extraWorkingDayHours: z.array(timeRange).max(8).optional(),
    dataCoverage: z.object({ from: localDate, to: localDate }).optional(),
  })
  .superRefine((spec, ctx) => {
    // A refine issue does not stop zod: an unknown zone, already reported, would make Intl throw.
    if (!isValidTimeZone(spec.timeZone)) return;
    try {
      new BusinessCalendar(spec as CalendarSpec);
    } catch (error) {
      if (!(error instanceof CalendarError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
    }
  });

const windowSpecSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
    label: z.string().trim().min(1).max(80),
    minMinutes: z.number().int().positive().optional(),
    maxMinutes: z
      .number()
      .int()
      .positive()
      .max(366 * 24 * 60),
    calendar: z.string().min(1),
    metBy: z.enum(MEETING_EVENTS),
    alsoMetBy: z.array(z.enum(MEETING_EVENTS)).max(MEETING_EVENTS.length).optional(),
    onSiteMaxMinutes: z
      .number()
      .int()
      .positive()
      .max(366 * 24 * 60)
      .optional(),
    role: z.enum(['response', 'resolution', 'arrival']).optional(),
  })
  .refine((window) => window.minMinutes === undefined || window.minMinutes <= window.maxMinutes, {
    message: 'minMinutes cannot exceed maxMinutes',
    path: ['minMinutes'],
  });

const arrivalTermSchema = z.object({
  maxMinutes: z
    .number()
    .int()
    .positive()
    .max(366 * 24 * 60),
  calendar: z.string().min(1),
});

export const slaPolicySchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/),
    name: z.string().trim().min(1).max(120),
    levels: z
      .array(z.object({ id: z.string().min(1).max(40), label: z.string().trim().min(1).max(80), windows: z.array(windowSpecSchema).max(8) }))
      .min(1)
      .max(10),
    // Starting with a letter or digit: no "__proto__", which a record cannot hold as its own key.
    calendars: z.record(
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,39}$/, 'Name calendars with 1–40 letters, digits, ".", "_", "+" or "-", starting with a letter or digit'),
      calendarSpecSchema,
    ),
    clockStart: z.discriminatedUnion('kind', [z.object({ kind: z.literal('reported') }), z.object({ kind: z.literal('next-working-instant'), calendar: z.string().min(1) })]),
    escalationTiers: z.array(z.string().trim().min(1).max(120)).min(1).max(5),
    entryTier: z.number().int().min(1).max(5).optional(),
    minutesAtTier: z
      .array(
        z
          .number()
          .int()
          .positive()
          .max(366 * 24 * 60),
      )
      .max(4)
      .optional(),
    reclassification: z.enum(['default', 'restart', 'carry-elapsed', 'from-report']),
    upgradeRestartsClock: z.boolean().optional(),
    defectsAlwaysCovered: z.boolean().optional(),
    /** Stated by every new policy (`newPolicySchema`); contracts stored before the rule have none. */
    defects: z.enum(DEFECT_RULES).optional(),
    requirements: z.enum(REQUIREMENT_RULES).default('paid'),
    remote: z
      .object({
        backupBy: z.enum(['customer', 'engineer']),
        sessionLimitMinutes: z
          .number()
          .int()
          .min(5)
          .max(7 * 24 * 60),
      })
      .optional(),
    onSite: z
      .object({
        billing: z.enum(ON_SITE_BILLING),
        arrivalBySite: z.partialRecord(z.enum(SITE_ZONES), arrivalTermSchema).optional(),
        arrivalByLevel: z.record(z.string().min(1).max(40), arrivalTermSchema).optional(),
      })
      .optional(),
  })
  .superRefine((policy, ctx) => {
    const levelIds = new Set<string>();
    policy.levels.forEach((level, index) => {
      if (levelIds.has(level.id)) ctx.addIssue({ code: 'custom', path: ['levels', index, 'id'], message: `Level "${level.id}" appears twice` });
      levelIds.add(level.id);
      level.windows.forEach((window, windowIndex) => {
        if (!Object.hasOwn(policy.calendars, window.calendar)) {
          ctx.addIssue({ code: 'custom', path: ['levels', index, 'windows', windowIndex, 'calendar'], message: `No calendar "${window.calendar}" in the policy` });
        }
      });
    });
    const arrivals = [
      ...Object.entries(policy.onSite?.arrivalBySite ?? {}).map(([key, term]) => ['arrivalBySite', key, term] as const),
      ...Object.entries(policy.onSite?.arrivalByLevel ?? {}).map(([key, term]) => ['arrivalByLevel', key, term] as const),
    ];
    for (const [field, key, term] of arrivals) {
      if (term && !Object.hasOwn(policy.calendars, term.calendar))
        ctx.addIssue({ code: 'custom', path: ['onSite', field, key, 'calendar'], message: `No calendar "${term.calendar}" in the policy` });
      if (field === 'arrivalByLevel' && !levelIds.has(key)) ctx.addIssue({ code: 'custom', path: ['onSite', field, key], message: `No level "${key}" in the policy` });
    }
    if (policy.entryTier !== undefined && policy.entryTier > policy.escalationTiers.length) {
      ctx.addIssue({ code: 'custom', path: ['entryTier'], message: `Entry tier ${policy.entryTier} is past the ${policy.escalationTiers.length} escalation tier(s)` });
    }
    if (policy.clockStart.kind === 'next-working-instant' && !Object.hasOwn(policy.calendars, policy.clockStart.calendar)) {
      ctx.addIssue({ code: 'custom', path: ['clockStart', 'calendar'], message: `No calendar "${policy.clockStart.calendar}" in the policy` });
    }
  });

/** Type check: the schema describes exactly the domain's policy. */
export const parseSlaPolicy = (input: unknown): SlaPolicy => slaPolicySchema.parse(input) as SlaPolicy;

/** A policy a contract takes on now (created or amended): it states how defects are treated, no silent default (R-000-3). */
export const newPolicySchema = slaPolicySchema.superRefine((policy, ctx) => {
  if (policy.defects === undefined) {
    ctx.addIssue({ code: 'custom', path: ['defects'], message: `State the defect rule: one of ${DEFECT_RULES.join(', ')}` });
  }
});

/**
 * Contract terms as validated data: the API parses requests with these schemas and the contract
 * workflow's update validator runs the same ones, so an amendment is checked once, the same way.
 */
import { z } from 'zod';
import { CHANNELS } from './case/closing';
import { PRODUCTS } from './products';
import { newPolicySchema, slaPolicySchema, timeZoneSchema } from './policy-schema';
import { DEFAULT_TIME_ZONE, PRESET_IDS } from './sla-policy';

export const identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'Use 1–64 letters, digits, ".", "_" or "-"');
/**
 * Characters no name or text of a case may hold: control characters other than tab and line
 * breaks (NUL…), bidirectional overrides that make a text read otherwise than it is stored, and
 * lone surrogates (not text at all).
 */
const UNSAFE_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A trimmed text of `min`–`max` characters without unsafe characters. */
export function plainText(min: number, max: number) {
  return z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((value) => !UNSAFE_TEXT.test(value), 'No control characters (such as NUL), bidirectional overrides or lone surrogates');
}

export const actor = plainText(1, 100);
const localDate = z.iso.date();

export const servicePeriodSchema = z
  .object({ kind: z.enum(['free', 'paid']), start: localDate, end: localDate })
  .refine((period) => period.start <= period.end, { message: 'A service period cannot end before it starts', path: ['end'] });

/** Service periods never overlap: one date, one answer to "is this covered, and how?". */
export const servicePeriodsSchema = z
  .array(servicePeriodSchema)
  .min(1)
  .max(50)
  .superRefine((periods, ctx) => {
    const sorted = [...periods].sort((a, b) => (a.start < b.start ? -1 : 1));
    sorted.slice(1).forEach((period, index) => {
      if (period.start <= sorted[index].end) {
        ctx.addIssue({ code: 'custom', message: `Service periods overlap: ${sorted[index].start}–${sorted[index].end} and ${period.start}–${period.end}` });
      }
    });
  });

export const calendarDataSchema = z.object({
  region: z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'A country code, optionally with a region: CN, DE-BE, US-CA'),
  addHolidays: z.array(localDate).max(366).optional(),
  removeHolidays: z.array(localDate).max(366).optional(),
  addWorkingDays: z.array(localDate).max(366).optional(),
  removeWorkingDays: z.array(localDate).max(366).optional(),
});

export const DEFAULT_WARNING_PERCENT = 80;
export const noticesOutsideWorkingTimeSchema = z.enum(['at-once', 'next-working-instant']);
export const preBreachWarningSchema = z
  .object({
    atPercent: z.number().int().min(1).max(99).optional(),
    minutesBefore: z
      .number()
      .int()
      .positive()
      .max(366 * 24 * 60)
      .optional(),
  })
  .strict();

/**
 * How a case ends when the customer stays silent, and its call-back (R-001-8, M003-8): each field
 * left out takes the preset's default (domain/case/closing.ts `closingDefaults`).
 */
export const closingTermsSchema = z
  .object({
    autoCloseChannels: z.array(z.enum(CHANNELS)).max(CHANNELS.length),
    autoCloseAfterMonths: z.number().int().min(1).max(12),
    reopenWithinMonths: z.number().int().min(1).max(12),
    callBackSampleRate: z.number().min(0).max(1),
    callBackWithinHours: z.number().positive().max(720),
  })
  .partial()
  .strict();

/** A preset, or a policy of the contract's own: as stored (lenient), or as taken on now (`newPolicySchema`). */
function policyTerm(custom: typeof slaPolicySchema | typeof newPolicySchema) {
  return z.union([z.object({ preset: z.enum(PRESET_IDS) }).strict(), z.object({ custom }).strict()]);
}

/** Every term, none defaulted: the shape of an amendment's `changes` is this, partial. */
export const contractTermsObject = z.object({
  customer: z.object({ id: identifier, name: plainText(1, 200), email: z.email() }),
  timeZone: timeZoneSchema,
  servicePeriods: servicePeriodsSchema,
  products: z.array(z.enum(PRODUCTS)).min(1).max(PRODUCTS.length),
  policy: policyTerm(slaPolicySchema),
  calendarData: calendarDataSchema,
  reclassification: z.enum(['default', 'restart', 'carry-elapsed', 'from-report']),
  freeTrainingSessionsPerYear: z.number().int().min(0).max(100),
  vip: z.boolean(),
  reminderDaysBeforeEnd: z.array(z.number().int().min(1).max(365)).max(5),
  noticesOutsideWorkingTime: noticesOutsideWorkingTimeSchema.optional(),
  noticeRecipients: z.array(z.email()).max(20),
  preBreachWarning: preBreachWarningSchema,
  closing: closingTermsSchema.optional(),
});

/** New terms: what a request leaves out gets the documented default. */
export const newContractTermsSchema = contractTermsObject.extend({
  timeZone: timeZoneSchema.default(DEFAULT_TIME_ZONE),
  products: contractTermsObject.shape.products.default(['hotline']),
  calendarData: calendarDataSchema.default({ region: 'CN' }),
  reclassification: contractTermsObject.shape.reclassification.default('default'),
  freeTrainingSessionsPerYear: contractTermsObject.shape.freeTrainingSessionsPerYear.default(0),
  vip: z.boolean().default(false),
  reminderDaysBeforeEnd: contractTermsObject.shape.reminderDaysBeforeEnd.default([30, 7]),
  noticeRecipients: contractTermsObject.shape.noticeRecipients.default([]),
  preBreachWarning: preBreachWarningSchema.default({ atPercent: DEFAULT_WARNING_PERCENT }),
  policy: policyTerm(newPolicySchema),
});

export const amendmentSchema = z.object({
  by: actor,
  reason: plainText(1, 2000),
  changes: contractTermsObject
    .partial()
    .extend({ policy: policyTerm(newPolicySchema).optional() })
    .refine((changes) => Object.keys(changes).length > 0, 'Name at least one term to change'),
});
export type AmendmentRequest = z.infer<typeof amendmentSchema>;

/** Request schemas of the hotline case routes: the only definition of each request. */
import { z } from 'zod';
import {
  DEFAULT_WARNING_PERCENT,
  actor,
  calendarDataSchema,
  closingTermsSchema,
  identifier,
  noticesOutsideWorkingTimeSchema,
  preBreachWarningSchema,
  servicePeriodsSchema,
  plainText,
} from '../../domain/contract-schema';
import { CHANNELS } from '../../domain/case/closing';
import { PROBLEM_TYPES } from '../../domain/entitlement';
import { PRESET_IDS, presetPolicy } from '../../domain/sla-policy';
import { DEFAULT_PRESET } from '../intake';
import { timeZoneSchema } from '../../domain/policy-schema';
import { PRODUCTS } from '../../domain/products';
import { PAGE_TOKEN } from '../visibility';

/** Clocks drift: a report a few seconds "in the future" is the caller's clock, not a lie. */
const FUTURE_TOLERANCE_MS = 5_000;

/** A service desk's records start long after this; earlier instants are typing errors (and zones had no fixed offsets then). */
const EARLIEST_REPORT = '2000-01-01T00:00:00Z';

/** When a report was received (D-17): never in the future, never before 2000. */
export const reportedAtSchema = z.iso
  .datetime({ offset: true })
  .refine((value) => Date.parse(value) <= Date.now() + FUTURE_TOLERANCE_MS, 'reportedAt cannot be in the future')
  .refine((value) => Date.parse(value) >= Date.parse(EARLIEST_REPORT), `reportedAt cannot be before ${EARLIEST_REPORT}`);

const customerSchema = z.object({
  id: identifier,
  name: plainText(1, 200),
  email: z.email(),
  phone: plainText(3, 40).optional(),
});

/** Terms a case under a contract takes from the contract, never from the request. */
const CONTRACT_TERMS = ['preset', 'timeZone', 'servicePeriods', 'calendarData', 'notices', 'closing'] as const;

/**
 * A case either names its contract (`contractId`: policy, calendar, periods and customer come from
 * it) or carries those itself (`preset`, `servicePeriods`, `customer`, optional `timeZone`).
 */
export const createCaseFields = z.object({
  caseId: identifier.optional(),
  contractId: identifier.optional(),
  customer: customerSchema.optional(),
  problem: z.object({
    description: plainText(1, 5000),
    type: z.enum(PROBLEM_TYPES),
    softwareVersion: z.string().regex(/^\d+\.\d+\.\d+$/, 'Version as major.medium.minor, e.g. 8.5.2'),
    environment: plainText(1, 1000),
  }),
  preset: z.enum(PRESET_IDS).optional(),
  severity: z.string().min(1).max(40),
  timeZone: timeZoneSchema.optional(),
  calendarData: calendarDataSchema.optional(),
  /** Without a contract: who gets warnings and breach notices, and when (defaults: nobody, 80 %). */
  notices: z
    .object({
      noticeRecipients: z.array(z.email()).max(20).default([]),
      preBreachWarning: preBreachWarningSchema.default({ atPercent: DEFAULT_WARNING_PERCENT }),
      noticesOutsideWorkingTime: noticesOutsideWorkingTimeSchema.optional(),
    })
    .optional(),
  reportedAt: reportedAtSchema.optional(),
  servicePeriods: servicePeriodsSchema.optional(),
  paidWorkRequested: z.boolean().default(false),
  /** How the report came in: only some channels close by themselves (R-001-8). */
  channel: z.enum(CHANNELS).default('phone'),
  closing: closingTermsSchema.optional(),
});

/** A case under a contract takes its terms from it; without one, it carries them (and a severity its preset has). */
export function contractTermsRule(
  body: { contractId?: string; customer?: unknown; servicePeriods?: unknown; preset?: (typeof PRESET_IDS)[number]; severity: string } & Partial<Record<(typeof CONTRACT_TERMS)[number], unknown>>,
  ctx: z.RefinementCtx,
): void {
  if (body.contractId !== undefined) {
    for (const term of CONTRACT_TERMS) {
      if (body[term] !== undefined) ctx.addIssue({ code: 'custom', path: [term], message: `Comes from contract ${body.contractId}; leave it out or amend the contract` });
    }
    return;
  }
  for (const term of ['customer', 'servicePeriods'] as const) {
    if (body[term] === undefined) ctx.addIssue({ code: 'custom', path: [term], message: 'Required without a contractId' });
  }
  const preset = body.preset ?? DEFAULT_PRESET;
  const levels = presetPolicy(preset).levels.map((level) => level.id);
  if (!levels.includes(body.severity)) {
    ctx.addIssue({ code: 'custom', path: ['severity'], message: `Preset ${preset} has no severity "${body.severity}"; use one of ${levels.join(', ')}` });
  }
}

export const createCaseBody = createCaseFields.superRefine(contractTermsRule);

export type CreateCaseBody = z.infer<typeof createCaseBody>;

export const caseIdParams = z.object({ caseId: identifier });

/** A page of a case's history: entries from sequence number `from` on. */
export const historyQuery = z.object({
  from: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1_000).default(500),
});

const note = plainText(0, 2000).optional();

export const surveyBody = z.object({
  by: actor,
  speed: z.number().int().min(1).max(5),
  quality: z.number().int().min(1).max(5),
  comment: note,
});

export const callBackParams = z.object({ caseId: identifier, solutionNumber: z.coerce.number().int().min(1).max(10_000) });

/** Idempotency-Key header: becomes the update id, which Temporal deduplicates per run. */
export const idempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,100}$/)
  .optional();

/** GET /cases: filters of a case search, each optional; a page token from the previous answer. */
export const caseSearchQuery = z
  .object({
    customer: identifier.optional(),
    product: z.enum(PRODUCTS).optional(),
    status: z
      .string()
      .regex(/^[a-z][a-z-]{0,31}$/, 'A case status: lower-case letters and "-", e.g. open, in-progress, paused, solved, closed')
      .optional(),
    breached: z
      .enum(['true', 'false'])
      .transform((value) => value === 'true')
      .optional(),
    dueBefore: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    page: z.string().regex(PAGE_TOKEN, 'A page token as the previous answer gave it in nextPage').optional(),
  })
  .strict();
export type CaseSearchQuery = z.infer<typeof caseSearchQuery>;

/**
 * POST /deadlines/preview: every window's due instant for a report not yet made (or
 * made at `reportedAt`), computed by the very code a case runs at intake and shown in its shape.
 */
import { Router } from 'express';
import { type AccessDeps, securedRouter } from '../access/middleware';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { openCore } from '../../domain/case/core';
import { caseCoreView } from '../../domain/case/view';
import { calendarDataSchema, identifier } from '../../domain/contract-schema';
import { HOTLINE_EVENTS } from '../../domain/hotline-case';
import { slaPolicySchema, timeZoneSchema } from '../../domain/policy-schema';
import type { SlaPolicy } from '../../domain/sla-policy';
import { PRESET_IDS } from '../../domain/sla-policy';
import { PolicyCalendars } from '../../domain/sla-windows';
import { reportedAtSchema } from '../cases/schemas';
import { assembleTerms } from '../intake';

export const previewBody = z
  .object({
    contractId: identifier.optional(),
    preset: z.enum(PRESET_IDS).optional(),
    policy: slaPolicySchema.optional(),
    timeZone: timeZoneSchema.optional(),
    calendarData: calendarDataSchema.optional(),
    product: z.literal('hotline').default('hotline'),
    severity: z.string().min(1).max(40),
    reportedAt: reportedAtSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.preset !== undefined && body.policy !== undefined) ctx.addIssue({ code: 'custom', path: ['policy'], message: 'Give a preset or a policy, not both' });
    if (body.contractId !== undefined) {
      for (const term of ['preset', 'policy', 'timeZone', 'calendarData'] as const) {
        if (body[term] !== undefined) ctx.addIssue({ code: 'custom', path: [term], message: `Comes from contract ${body.contractId}` });
      }
    }
  });

/** The preview of a case reported at `reportedMs` under a resolved policy: the core's own computation. */
export function previewWindows(policy: SlaPolicy, timeZone: string, severity: string, reportedMs: number) {
  const calendars = new PolicyCalendars(policy);
  const core = openCore(
    {
      caseId: 'preview',
      product: 'hotline',
      customer: { id: 'preview', name: 'preview', email: 'preview@example.invalid' },
      timeZone,
      policy,
      severity,
      events: HOTLINE_EVENTS,
      reportedMs,
      openedBy: 'preview',
    },
    reportedMs,
    calendars,
  );
  const view = caseCoreView(core, reportedMs);
  return {
    policy: view.policy,
    severity: view.severity,
    timeZone: view.timeZone,
    reportedAt: view.reportedAt,
    clockStartedAt: view.clockStartedAt,
    windows: view.windows.map(({ name, label, policy: windowPolicy, level, calendar, dueAt, range }) => ({ name, label, policy: windowPolicy, level, calendar, dueAt, range })),
    warnings: view.warnings,
  };
}

export function deadlinesRouter(deps: AccessDeps): Router {
  const { client } = deps;
  const router = securedRouter(deps);
  router.post('/preview', async (req, res) => {
    const body = previewBody.parse(req.body);
    const reportedMs = body.reportedAt ? Date.parse(body.reportedAt) : Date.now();
    const terms = await assembleTerms(client, { ...body, policy: body.policy as SlaPolicy | undefined, reportedMs });
    res.json({ ...(body.contractId && { contractId: body.contractId, contractVersion: terms.contract?.version }), ...previewWindows(terms.policy, terms.timeZone, body.severity, reportedMs) });
  });
  return router;
}

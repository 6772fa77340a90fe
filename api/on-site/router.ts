/**
 * On-site visit routes: a visit started directly (by the service agreement or the customer's
 * request; a hotline transfer starts one too), its state, one POST per action of
 * domain/on-site-actions.ts, the signed work order and materials form as scans, and its documents.
 */
import { z } from 'zod';
import type { DocumentStore } from '../../activities/documents';
import { plainText } from '../../domain/contract-schema';
import { periodCovering } from '../../domain/entitlement';
import { ON_SITE_ACTION_TYPES, onSiteActionSchemas, siteSchema } from '../../domain/on-site-actions';
import type { OnSiteCase, OnSiteIntake } from '../../domain/on-site-case';
import { onSiteCaseView } from '../../domain/on-site-case-view';
import { VISIT_PURPOSES, visitRefusal } from '../../domain/sla-policy';
import { ZoneOffsets, localDateOf } from '../../domain/time-zone';
import { onSiteStateQuery, onSiteUpdates } from '../../workflows/on-site';
import { type AccessDeps, securedRouter } from '../access/middleware';
import { actorOf } from '../actor';
import { HttpError } from '../errors';
import { productCaseRoutes, productIntake } from '../product-cases';
import { contractTermsRule, createCaseFields } from '../cases/schemas';

export interface OnSiteRouterDeps extends AccessDeps {
  taskQueue: string;
  /** The worker's document store (the same folder). */
  documents: DocumentStore;
}

/** A visit started directly: the terms as a hotline case takes them, the situation, and where to go. */
export const createOnSiteBody = createCaseFields
  .omit({ problem: true, paidWorkRequested: true })
  .extend({
    situation: plainText(1, 5000),
    site: siteSchema,
    /** A visit the service agreement schedules, or one the customer asks for (M003-5). */
    trigger: z.enum(['scheduled', 'request']).default('request'),
    purpose: z.enum(VISIT_PURPOSES).default('support'),
  })
  .superRefine(contractTermsRule);

export const ON_SITE_SCANS = [
  { route: 'work-order-scan', action: 'sign-work-order', document: (state: OnSiteCase) => state.workOrder },
  { route: 'materials-form-scan', action: 'sign-materials-form', document: (state: OnSiteCase) => state.materialsForm },
];

export function onSiteRouter(deps: OnSiteRouterDeps) {
  const { client, taskQueue, documents } = deps;
  const router = securedRouter(deps);
  const { start } = productCaseRoutes(router, {
    product: 'on-site',
    client,
    documents,
    actions: ON_SITE_ACTION_TYPES.map((type) => ({ type, schema: onSiteActionSchemas[type], update: onSiteUpdates[type] })),
    query: onSiteStateQuery,
    view: onSiteCaseView,
    scans: ON_SITE_SCANS,
  });

  router.post('/', async (req, res) => {
    const openedBy = actorOf(req, 'openedBy');
    const body = createOnSiteBody.parse(req.body);
    const { intake: common, terms } = await productIntake(client, 'on-site', body, openedBy);
    const notOffered = visitRefusal(terms.policy, body.purpose);
    if (notOffered) throw new HttpError(422, 'VisitNotOffered', notOffered);
    const servicePeriod = periodCovering(terms.servicePeriods, localDateOf(common.reportedMs, new ZoneOffsets(terms.timeZone)));
    const intake: OnSiteIntake = { ...common, site: body.site, trigger: body.trigger, purpose: body.purpose, ...(servicePeriod && { servicePeriod }) };
    const { caseId } = intake;
    await start(res, {
      caseId,
      workflowType: 'onSiteWorkflow',
      taskQueue,
      intake,
      summary: `On-site visit ${caseId} · ${intake.customer.name} · ${intake.site.address} · ${intake.policy.id} severity ${intake.severity}`,
      details: body.situation,
    });
  });

  return router;
}

/** Hotline case routes: intake, state, one POST per action of the action table, and the satisfaction call-back. */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { CURRENT_RULES } from '../../domain/case/clock';
import { hotlineCaseView } from '../../domain/case-view';
import { type ActionPayload, API_ACTION_TYPES, type HotlineActionType, actionSchema } from '../../domain/hotline-actions';
import { type HotlineCase, type HotlineIntake, openingCase } from '../../domain/hotline-case';
import { caseWorkflowId, callBackWorkflowId } from '../../domain/products';
import { DEFAULT_TIME_ZONE } from '../../domain/sla-policy';
import { ZoneOffsets, formatInstant } from '../../domain/time-zone';
import type { hotlineWorkflow } from '../../workflows/hotline';
import { caseStateQuery, hotlineUpdates, intakeUpdate } from '../../workflows/messages';
import { caseSearchAttributes } from '../../workflows/search-attributes';
import { type CallBackState, callBackStateQuery, recordSurveyUpdate } from '../../workflows/satisfaction-call-back';
import { type AccessDeps, principalOf, securedRouter } from '../access/middleware';
import { actorOf } from '../actor';
import { AnsweredLate, HttpError, explainClosed, isDeadlineExceeded } from '../errors';
import { actionUpdateId, checkKeyReuse, requestDigest } from '../idempotency';
import { assembleTerms } from '../intake';
import { applyContract, applyContractBody } from './apply-contract';
import { type CreateCaseBody, callBackParams, caseIdParams, caseSearchQuery, createCaseBody, historyQuery, idempotencyKey, surveyBody } from './schemas';
import { searchCases } from './search';
import { PageTokens } from '../visibility';
import type { ApiMetrics } from '../metrics';
import { archivedEntries } from '../archive';
import type { AuditEntry } from '../../domain/case/record';
import { auditEntryView } from '../../domain/case/view';

export interface CasesRouterDeps extends AccessDeps {
  taskQueue: string;
  /** The worker's audit archive (activities/audit-archive.ts). */
  auditDirectory: string;
  /** Seals search page tokens; APIs behind one load balancer share it (visibility.ts). */
  pageTokenKey?: string;
  metrics?: ApiMetrics;
}

type HotlineHandle = WorkflowHandle<typeof hotlineWorkflow>;

/** Sends one action as its update; the answer is small, the case is then read by query. */
async function sendAction<T extends HotlineActionType>(handle: HotlineHandle, type: T, payload: ActionPayload<T>, updateId?: string): Promise<HotlineCase> {
  await handle.executeUpdate(hotlineUpdates[type], { args: [payload], updateId });
  return handle.query(caseStateQuery);
}

async function buildIntake(client: Client, body: CreateCaseBody, caseId: string, openedBy: string): Promise<HotlineIntake> {
  const reportedMs = body.reportedAt ? Date.parse(body.reportedAt) : Date.now();
  const terms = await assembleTerms(client, {
    ...body,
    product: 'hotline',
    reportedMs,
    problemType: body.problem.type,
    paidWorkRequested: body.paidWorkRequested,
  });
  if (terms.entitlement?.decision === 'refused') throw new HttpError(422, 'NotEntitled', terms.entitlement.reason);
  return {
    caseId,
    customer: terms.customer,
    problem: body.problem,
    severity: body.severity,
    reportedAt: new Date(reportedMs).toISOString(),
    timeZone: terms.timeZone,
    policy: terms.policy,
    servicePeriods: terms.servicePeriods,
    paidWorkRequested: body.paidWorkRequested,
    openedBy,
    rules: CURRENT_RULES,
    channel: body.channel,
    ...(terms.closing && { closing: terms.closing }),
    ...(terms.contractReference && { contract: terms.contractReference }),
    notices: terms.notices,
  };
}

/** Whether a case whose intake ran out of time was taken in: the start may have landed before the worker was due. */
async function intakeAnsweredLate(client: Client, caseId: string, error: unknown): Promise<AnsweredLate> {
  let started: boolean | 'unknown';
  // Whether Temporal answered this look; a look it left unanswered says it is not up.
  let temporalAnswers: boolean | undefined = true;
  try {
    await client.connection.withDeadline(Date.now() + 2_000, () => client.workflow.getHandle(caseWorkflowId('hotline', caseId)).describe());
    started = true;
  } catch (describeError) {
    started = describeError instanceof WorkflowNotFoundError ? false : 'unknown';
    if (started === 'unknown') temporalAnswers = isDeadlineExceeded(describeError) ? false : undefined;
  }
  const outcome =
    started === true
      ? `Case ${caseId} was taken in and opens when a worker runs; GET /cases/${caseId} shows it then, and the same request again answers with it`
      : started === false
        ? 'Nothing was started; send the same request again'
        : 'Whether the case was taken in is not known; the same request again answers with it or takes it in once';
  return new AnsweredLate(outcome, { caseId, started }, error, temporalAnswers);
}

export function casesRouter(deps: CasesRouterDeps): Router {
  const { client, taskQueue, auditDirectory } = deps;
  const router = securedRouter(deps);
  const view = (state: HotlineCase) => hotlineCaseView(state, Date.now());
  const handleOf = (caseId: string): HotlineHandle => client.workflow.getHandle<typeof hotlineWorkflow>(caseWorkflowId('hotline', caseId));

  router.post('/', async (req, res) => {
    const openedBy = actorOf(req, 'openedBy');
    const body = createCaseBody.parse(req.body);
    const caseId = body.caseId ?? randomUUID();
    res.locals.workflowId = caseWorkflowId('hotline', caseId);
    const digest = requestDigest({ ...body, caseId });
    const intake = await buildIntake(client, body, caseId, openedBy);
    const startOperation = new WithStartWorkflowOperation<typeof hotlineWorkflow>('hotlineWorkflow', {
      workflowId: caseWorkflowId('hotline', caseId),
      taskQueue,
      args: [{ intake }],
      // Same case id twice: the running case answers; a closed one is never started again.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // Set now, as the case's first task would: that task then writes none (one visibility write less).
      typedSearchAttributes: caseSearchAttributes(openingCase(intake), 'open'),
      staticSummary: `Hotline case ${caseId} · ${intake.customer.name} · ${intake.policy.id} severity ${intake.severity}`,
      staticDetails: intake.problem.description.slice(0, 500),
      // What was asked, so the same case id with another intake is told apart from a repeat.
      memo: { [INTAKE_DIGEST]: digest },
    });
    let created = false;
    let state: HotlineCase | undefined;
    try {
      ({ created, state } = await client.workflow.executeUpdateWithStart(intakeUpdate, { startWorkflowOperation: startOperation }));
    } catch (error) {
      if (isDeadlineExceeded(error)) throw await intakeAnsweredLate(client, caseId, error);
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    if (!created) await refuseOtherIntake(handleOf(caseId), caseId, digest);
    state ??= await handleOf(caseId).query(caseStateQuery);
    if (created) deps.metrics?.caseOpened('hotline');
    res
      .status(created ? 201 : 200)
      .location(`/cases/${encodeURIComponent(caseId)}`)
      .json(view(state));
  });

  const pageTokens = new PageTokens(deps.pageTokenKey);
  router.get('/', async (req, res) => {
    res.json(await searchCases(client, pageTokens, caseSearchQuery.parse(req.query), principalOf(req)));
  });

  router.get('/:caseId', async (req, res) => {
    const { caseId } = caseIdParams.parse(req.params);
    res.json(view(await handleOf(caseId).query(caseStateQuery)));
  });

  const actionRoute = <T extends Exclude<HotlineActionType, 'apply-contract'>>(type: T) => {
    router.post(`/:caseId/${type}`, async (req, res) => {
      const { caseId } = caseIdParams.parse(req.params);
      const payload = actionSchema(type).parse({ ...req.body, by: actorOf(req) });
      const updateId = actionUpdateId(idempotencyKey.parse(req.get('Idempotency-Key')), type, payload);
      const handle = handleOf(caseId);
      try {
        const repeated = await repeatedAction(handle, updateId);
        res.json(view(repeated ?? (await sendAction(handle, type, payload, updateId))));
      } catch (error) {
        throw await explainClosed(error, handle);
      }
    });
  };
  API_ACTION_TYPES.forEach(actionRoute);

  router.post('/:caseId/apply-contract', async (req, res) => {
    const { caseId } = caseIdParams.parse(req.params);
    const body = applyContractBody.parse(req.body);
    const handle = handleOf(caseId);
    try {
      const request = { ...body, by: actorOf(req) };
      const updateId = actionUpdateId(idempotencyKey.parse(req.get('Idempotency-Key')), 'apply-contract', request);
      const repeated = await repeatedAction(handle, updateId);
      if (!repeated) await applyContract(client, handle, request, updateId);
      res.json(view(repeated ?? (await handle.query(caseStateQuery))));
    } catch (error) {
      throw await explainClosed(error, handle);
    }
  });

  /** Every recorded change of the case, oldest first: the archived entries, then those in its state. */
  router.get('/:caseId/history', async (req, res) => {
    const { caseId } = caseIdParams.parse(req.params);
    const { from, limit } = historyQuery.parse(req.query);
    // State first: the archive holds at least what the state says was archived by then.
    const state = await handleOf(caseId).query(caseStateQuery);
    const archivedCount = state.auditArchived ?? 0;
    // Only the archived entries the page shows must be there (none, for a page past them).
    const needed = from < archivedCount ? Math.min(archivedCount, from + limit) : 0;
    const archived = await archivedEntries<AuditEntry>(auditDirectory, caseWorkflowId('hotline', caseId), archivedCount, `entries of case ${caseId}`, needed);
    const total = archivedCount + state.audit.length;
    const entries = [...archived.slice(from), ...state.audit.slice(Math.max(0, from - archivedCount))].slice(0, limit);
    const zone = new ZoneOffsets(state.timeZone ?? DEFAULT_TIME_ZONE);
    const at = (ms: number | null) => (ms === null ? null : formatInstant(ms, zone));
    res.json({
      caseId,
      total,
      from,
      entries: entries.map((entry, index) => ({ sequence: from + index, ...auditEntryView(entry, at) })),
      next: from + entries.length < total ? from + entries.length : null,
    });
  });

  router.get('/:caseId/call-backs/:solutionNumber', async (req, res) => {
    const { caseId, solutionNumber } = callBackParams.parse(req.params);
    const state = await client.workflow.getHandle(callBackWorkflowId(caseId, solutionNumber)).query(callBackStateQuery);
    res.json(callBackView(state));
  });

  router.post('/:caseId/call-backs/:solutionNumber/survey', async (req, res) => {
    const { caseId, solutionNumber } = callBackParams.parse(req.params);
    const survey = surveyBody.parse({ ...req.body, by: actorOf(req) });
    const handle = client.workflow.getHandle(callBackWorkflowId(caseId, solutionNumber));
    try {
      const updateId = actionUpdateId(idempotencyKey.parse(req.get('Idempotency-Key')), 'survey', survey);
      res.json(callBackView(await handle.executeUpdate(recordSurveyUpdate, { args: [survey], updateId })));
    } catch (error) {
      throw await explainClosed(error, handle);
    }
  });

  return router;
}

/** A call-back with its instants in the customer's offset, like every other answer. */
function callBackView(state: CallBackState) {
  // Call-backs started before they kept the zone: the default zone of every preset.
  const zone = new ZoneOffsets(state.timeZone ?? DEFAULT_TIME_ZONE);
  const { dueMs, missedMs, survey, ...rest } = state;
  return {
    ...rest,
    dueAt: formatInstant(dueMs, zone),
    missedAt: missedMs === null ? null : formatInstant(missedMs, zone),
    survey: survey && (({ atMs, ...answers }) => ({ ...answers, at: formatInstant(atMs, zone) }))(survey),
  };
}

/**
 * The case as it is, when the keyed action was applied to it already (answered so, not sent
 * again); null when it is new. A key used for another request is a 422 (idempotency.ts).
 */
async function repeatedAction(handle: HotlineHandle, updateId: string | undefined): Promise<HotlineCase | null> {
  if (updateId === undefined) return null;
  const current = await handle.query(caseStateQuery);
  return checkKeyReuse(current.recentUpdateIds, updateId) === 'repeat' ? current : null;
}

/** The memo field of a case's intake digest (cases started before it have none and answer as before). */
const INTAKE_DIGEST = 'intakeDigest';

async function refuseOtherIntake(handle: HotlineHandle, caseId: string, digest: string): Promise<void> {
  const { memo } = await handle.describe();
  const existing = memo?.[INTAKE_DIGEST];
  if (typeof existing === 'string' && existing !== digest) {
    throw new HttpError(409, 'case_exists', `Case ${caseId} exists with a different intake; the same request again answers with it, a new case needs a new caseId`);
  }
}

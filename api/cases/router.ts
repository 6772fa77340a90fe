/** Hotline case routes: intake, state, one POST per action, and the satisfaction call-back. */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { hotlineCaseView } from '../../domain/case-view';
import { type HotlineCase, intakeEntitlement } from '../../domain/hotline-case';
import { caseWorkflowId, callBackWorkflowId } from '../../domain/products';
import type { hotlineWorkflow } from '../../workflows/hotline';
import { caseStateQuery, hotlineUpdates, intakeUpdate } from '../../workflows/messages';
import { callBackStateQuery, recordSurveyUpdate } from '../../workflows/satisfaction-call-back';
import { HttpError } from '../errors';
import { applyContract, applyContractBody } from './apply-contract';
import { buildIntake } from './intake';
import { actionBodies, callBackParams, caseIdParams, createCaseBody, idempotencyKey, surveyBody } from './schemas';

export interface CasesRouterDeps {
  client: Client;
  taskQueue: string;
}

export function casesRouter({ client, taskQueue }: CasesRouterDeps): Router {
  const router = Router();
  const view = (state: HotlineCase) => hotlineCaseView(state, Date.now());
  const handleOf = (caseId: string) => client.workflow.getHandle<typeof hotlineWorkflow>(caseWorkflowId('hotline', caseId));

  router.post('/', async (req, res) => {
    const body = createCaseBody.parse(req.body);
    const caseId = body.caseId ?? randomUUID();
    const intake = await buildIntake(client, body, caseId);
    const entitlement = intakeEntitlement(intake, Date.parse(intake.reportedAt));
    if (entitlement.decision === 'refused') throw new HttpError(422, 'NotEntitled', entitlement.reason);

    const workflowId = caseWorkflowId('hotline', caseId);
    const startOperation = new WithStartWorkflowOperation<typeof hotlineWorkflow>('hotlineWorkflow', {
      workflowId,
      taskQueue,
      args: [{ intake }],
      // Same case id twice: the running case answers; a closed one is never started again.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `Hotline case ${caseId} · ${intake.customer.name} · ${intake.policy.id} severity ${intake.severity}`,
      staticDetails: intake.problem.description.slice(0, 500),
    });
    let created: boolean;
    let state: HotlineCase;
    try {
      ({ created, state } = await client.workflow.executeUpdateWithStart(intakeUpdate, { startWorkflowOperation: startOperation }));
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      created = false;
      state = await handleOf(caseId).query(caseStateQuery);
    }
    res.status(created ? 201 : 200).location(`/cases/${encodeURIComponent(caseId)}`).json(view(state));
  });

  router.get('/:caseId', async (req, res) => {
    const { caseId } = caseIdParams.parse(req.params);
    res.json(view(await handleOf(caseId).query(caseStateQuery)));
  });

  for (const type of Object.keys(actionBodies) as (keyof typeof actionBodies)[]) {
    router.post(`/:caseId/${type}`, async (req, res) => {
      const { caseId } = caseIdParams.parse(req.params);
      const payload = actionBodies[type].parse(req.body);
      const updateId = idempotencyKey.parse(req.get('Idempotency-Key'));
      const handle = handleOf(caseId);
      try {
        const state = await handle.executeUpdate(hotlineUpdates[type] as typeof hotlineUpdates.respond, { args: [payload as never], updateId });
        res.json(view(state));
      } catch (error) {
        throw await explainClosed(error, handle);
      }
    });
  }

  router.post('/:caseId/apply-contract', async (req, res) => {
    const { caseId } = caseIdParams.parse(req.params);
    const body = applyContractBody.parse(req.body);
    const handle = handleOf(caseId);
    try {
      res.json(view(await applyContract(client, handle, body, idempotencyKey.parse(req.get('Idempotency-Key')))));
    } catch (error) {
      throw await explainClosed(error, handle);
    }
  });

  router.get('/:caseId/call-backs/:solutionNumber', async (req, res) => {
    const { caseId, solutionNumber } = callBackParams.parse(req.params);
    res.json(await client.workflow.getHandle(callBackWorkflowId(caseId, solutionNumber)).query(callBackStateQuery));
  });

  router.post('/:caseId/call-backs/:solutionNumber/survey', async (req, res) => {
    const { caseId, solutionNumber } = callBackParams.parse(req.params);
    const survey = surveyBody.parse(req.body);
    const handle = client.workflow.getHandle(callBackWorkflowId(caseId, solutionNumber));
    try {
      res.json(await handle.executeUpdate(recordSurveyUpdate, { args: [survey], updateId: idempotencyKey.parse(req.get('Idempotency-Key')) }));
    } catch (error) {
      throw await explainClosed(error, handle);
    }
  });

  return router;
}

/** An update to a finished run fails as "not found": say it is closed when the run exists. */
async function explainClosed(error: unknown, handle: { describe(): Promise<{ status: { name: string } }> }): Promise<unknown> {
  if (!(error instanceof WorkflowNotFoundError)) return error;
  try {
    const description = await handle.describe();
    return new HttpError(409, 'InvalidState', `The case is no longer open (${description.status.name.toLowerCase()})`);
  } catch {
    return error;
  }
}

/** Contract routes: create, read, amend, and a customer's contracts. */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { z } from 'zod';
import { type Amendment, type ContractTerms, contractPolicy } from '../../domain/contract';
import { amendmentView, contractView } from '../../domain/contract-view';
import { ZoneOffsets, formatInstant } from '../../domain/time-zone';
import { archivedEntries } from '../archive';
import { policyTrialIssues } from '../../domain/policy-trial';
import { actor, amendmentSchema, identifier, newContractTermsSchema } from '../../domain/contract-schema';
import { CONTRACT, caseIdOf, contractIdOf, contractWorkflowId } from '../../domain/products';
import { CONTRACT_ID, CUSTOMER_ID, PRODUCT } from '../../workflows/search-attributes';
import type { hotlineWorkflow } from '../../workflows/hotline';
import { amendContractUpdate, contractIntakeUpdate, contractStateQuery, type contractWorkflow } from '../../workflows/contract';
import { isKnownRegion } from '../calendars/official-days';
import { applyContract, applyContractBody } from '../cases/apply-contract';
import { actorOf } from '../actor';
import { contractHandle } from '../intake';
import { calendarMaterializer } from '../policy-snapshot';
import { type AccessDeps, securedRouter } from '../access/middleware';
import { HttpError, toHttpError } from '../errors';
import { visibilityQuery } from '../visibility';

export interface ContractsRouterDeps extends AccessDeps {
  taskQueue: string;
  /** The worker's archive of older amendments (activities/audit-archive.ts). */
  auditDirectory: string;
}

export const createContractBody = newContractTermsSchema.extend({ contractId: identifier.optional() });
export const contractParams = z.object({ contractId: identifier });
export const customerParams = z.object({ customerId: identifier });

/** Holiday data must exist for the region before a contract relies on it (checked here: the workflow cannot). */
function requireKnownRegion(region: string, path: (string | number)[]): void {
  if (isKnownRegion(region)) return;
  const message = `No holiday data for region "${region}": use CN or a country[-region] code date-holidays knows, e.g. DE-BE`;
  throw new HttpError(400, 'invalid_request', message, { issues: [{ code: 'custom', path, message }] });
}

/**
 * The terms' policy run the way a case will run it (with the official days a case would carry):
 * a policy no case could run under is refused now, naming the field, not at every case's intake.
 */
async function refuseUnrunnablePolicy(client: Client, terms: ContractTerms, path: (string | number)[]): Promise<void> {
  const nowMs = Date.now();
  const materialize = await calendarMaterializer(client, terms.calendarData, nowMs, terms.timeZone);
  const issues = policyTrialIssues(materialize(contractPolicy(terms)), nowMs, path);
  if (issues.length > 0) throw new HttpError(400, 'invalid_request', `No case could run under this policy: ${issues[0].message}`, { issues });
}

function policyPath(policy: ContractTerms['policy'], prefix: string[]): string[] {
  return 'custom' in policy ? [...prefix, 'policy', 'custom'] : [...prefix, 'policy'];
}

export function contractsRouter(deps: ContractsRouterDeps): Router {
  const { client, taskQueue, auditDirectory } = deps;
  const router = securedRouter(deps);

  router.post('/', async (req, res) => {
    const by = actorOf(req);
    const { contractId = randomUUID(), ...terms } = createContractBody.parse(req.body);
    requireKnownRegion(terms.calendarData.region, ['calendarData', 'region']);
    await refuseUnrunnablePolicy(client, terms, policyPath(terms.policy, []));
    const start = new WithStartWorkflowOperation<typeof contractWorkflow>('contractWorkflow', {
      workflowId: contractWorkflowId(contractId),
      taskQueue,
      args: [{ contractId, terms, createdBy: by }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: `Contract ${contractId} · ${terms.customer.name}`,
    });
    const { created, state } = await client.workflow.executeUpdateWithStart(contractIntakeUpdate, { startWorkflowOperation: start });
    // The same id again: fine when it says the same; different terms go through an amendment.
    if (!created && JSON.stringify(state.terms) !== JSON.stringify(terms)) {
      throw new HttpError(409, 'ContractExists', `Contract ${contractId} exists with other terms; amend it instead`);
    }
    res
      .status(created ? 201 : 200)
      .location(`/contracts/${encodeURIComponent(contractId)}`)
      .json(contractView(state));
  });

  router.get('/:contractId', async (req, res) => {
    const { contractId } = contractParams.parse(req.params);
    res.json(contractView(await contractHandle(client, contractId).query(contractStateQuery)));
  });

  /** Every amendment, oldest first: the archived ones, then those in the contract's state. */
  router.get('/:contractId/amendments', async (req, res) => {
    const { contractId } = contractParams.parse(req.params);
    // State first: the archive holds at least what the state says was archived by then.
    const state = await contractHandle(client, contractId).query(contractStateQuery);
    const archivedCount = state.amendmentsArchived ?? 0;
    const archived = await archivedEntries<Amendment>(auditDirectory, contractWorkflowId(contractId), archivedCount, `amendments of contract ${contractId}`);
    const zone = new ZoneOffsets(state.terms.timeZone);
    res.json({ contractId, amendments: [...archived, ...state.amendments].map((amendment) => amendmentView(amendment, (ms) => formatInstant(ms, zone))) });
  });

  router.post('/:contractId/amendments', async (req, res) => {
    const { contractId } = contractParams.parse(req.params);
    const request = amendmentSchema.parse({ ...req.body, by: actorOf(req) });
    if (request.changes.calendarData) requireKnownRegion(request.changes.calendarData.region, ['changes', 'calendarData', 'region']);
    const handle = contractHandle(client, contractId);
    const { terms } = await handle.query(contractStateQuery);
    await refuseUnrunnablePolicy(client, { ...terms, ...request.changes }, request.changes.policy ? policyPath(request.changes.policy, ['changes']) : ['changes']);
    const { changedTerms } = await handle.executeUpdate(amendContractUpdate, { args: [request] });
    res.json({ amended: changedTerms.length > 0, contract: contractView(await handle.query(contractStateQuery)) });
  });

  /** Every running case under the contract gets the current terms; each answer says what happened. */
  router.post('/:contractId/apply-to-open-cases', async (req, res) => {
    const { contractId } = contractParams.parse(req.params);
    const body = applyContractBody.parse(req.body);
    const by = actorOf(req);
    const results: { caseId: string; outcome: 'applied' | 'refused'; reason?: string }[] = [];
    for await (const execution of client.workflow.list({
      query: visibilityQuery([
        { attribute: CONTRACT_ID, operator: '=', value: contractId },
        { attribute: PRODUCT, operator: '=', value: 'hotline' },
        { attribute: 'ExecutionStatus', operator: '=', value: 'Running' },
      ]),
    })) {
      const handle = client.workflow.getHandle<typeof hotlineWorkflow>(execution.workflowId);
      const caseId = caseIdOf('hotline', execution.workflowId);
      try {
        await applyContract(client, handle, { ...body, by });
        results.push({ caseId, outcome: 'applied' });
      } catch (error) {
        const http = toHttpError(error);
        if (http.status >= 500) throw error;
        results.push({ caseId, outcome: 'refused', reason: http.message });
      }
    }
    res.json({ contractId, cases: results });
  });

  return router;
}

/** GET /customers/:customerId/contracts: found through the CustomerId search attribute. */
export function customerContractsRouter(deps: ContractsRouterDeps): Router {
  const { client } = deps;
  const router = securedRouter(deps);
  router.get('/:customerId/contracts', async (req, res) => {
    const { customerId } = customerParams.parse(req.params);
    const contracts = [];
    for await (const execution of client.workflow.list({
      query: visibilityQuery([
        { attribute: PRODUCT, operator: '=', value: CONTRACT },
        { attribute: CUSTOMER_ID, operator: '=', value: customerId },
      ]),
    })) {
      const state = await contractHandle(client, contractIdOf(execution.workflowId)).query(contractStateQuery);
      contracts.push(contractView(state));
    }
    res.json({ customerId, contracts });
  });
  return router;
}

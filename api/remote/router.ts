/**
 * Remote maintenance routes: a case started directly (a hotline transfer starts one too), its
 * state, one POST per action of domain/remote-actions.ts, and its documents. The authorisation
 * is sealed here (activities/login-details.ts): the workflow gets only the sealed file's reference.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { DocumentStore } from '../../activities/documents';
import type { LoginDetailsVault } from '../../activities/login-details';
import { plainText } from '../../domain/contract-schema';
import { REMOTE_ACTION_TYPES, type RemoteActionType, remoteActionSchemas, remoteTarget } from '../../domain/remote-actions';
import type { RemoteCase } from '../../domain/remote-case';
import { remoteCaseView } from '../../domain/remote-case-view';
import { remoteStateQuery, remoteUpdates } from '../../workflows/remote';
import { type AccessDeps, securedRouter } from '../access/middleware';
import { actorOf } from '../actor';
import { explainClosed } from '../errors';
import { productCaseRoutes, productIntake } from '../product-cases';
import { caseIdParams, contractTermsRule, createCaseFields } from '../cases/schemas';

export interface RemoteRouterDeps extends AccessDeps {
  taskQueue: string;
  /** The worker's document store (the same folder). */
  documents: DocumentStore;
  /** Seals the customer's login details under the key the worker opens them with. */
  vault: LoginDetailsVault;
}

/** A remote case started directly: the terms as a hotline case takes them, and the situation to maintain. */
export const createRemoteBody = createCaseFields
  .omit({ problem: true, paidWorkRequested: true })
  .extend({ situation: plainText(1, 5000) })
  .superRefine(contractTermsRule);

/** The authorisation as the customer gives it; the password goes no further than the vault. */
export const authoriseBody = z.object({
  target: remoteTarget,
  login: z.object({ username: z.string().min(1).max(200), password: z.string().min(1).max(1000) }),
});

/** The actions sent as they are; `authorise` has its own route. */
export const REMOTE_API_ACTIONS = REMOTE_ACTION_TYPES.filter((type): type is Exclude<RemoteActionType, 'authorise'> => type !== 'authorise');

export function remoteRouter(deps: RemoteRouterDeps) {
  const { client, taskQueue, documents, vault } = deps;
  const router = securedRouter(deps);
  const { handleOf, read, start } = productCaseRoutes(router, {
    product: 'remote',
    client,
    documents,
    actions: REMOTE_API_ACTIONS.map((type) => ({ type, schema: remoteActionSchemas[type], update: remoteUpdates[type] })),
    query: remoteStateQuery,
    view: remoteCaseView,
    scans: [{ route: 'confirmation-scan', action: 'sign-confirmation', document: (state: RemoteCase) => state.confirmation }],
  });

  router.post('/', async (req, res) => {
    const openedBy = actorOf(req, 'openedBy');
    const body = createRemoteBody.parse(req.body);
    const { intake } = await productIntake(client, 'remote', body, openedBy);
    const { caseId } = intake;
    await start(res, {
      caseId,
      workflowType: 'remoteWorkflow',
      taskQueue,
      intake,
      summary: `Remote maintenance ${caseId} · ${intake.customer.name} · ${intake.policy.id} severity ${intake.severity}`,
      details: body.situation,
    });
  });

  router.post('/:caseId/authorise', async (req, res) => {
    const { caseId } = caseIdParams.parse(req.params);
    const by = actorOf(req);
    const { target, login } = authoriseBody.parse(req.body);
    const handle = handleOf(caseId);
    // A fresh reference per authorisation: one refused leaves nothing behind, one taken is the case's.
    const sealed = await vault.seal(`${handle.workflowId}.login-${randomBytes(6).toString('hex')}`, login);
    try {
      await handle.executeUpdate(remoteUpdates.authorise, { args: [{ by, target, loginReference: sealed.reference, keyId: sealed.keyId }] });
    } catch (error) {
      await vault.destroy(sealed.reference);
      throw await explainClosed(error, handle);
    }
    res.json(await read(handle));
  });

  return router;
}

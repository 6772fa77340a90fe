/**
 * Remote maintenance routes: a case started directly (a hotline transfer starts one too), its
 * state, one POST per action of domain/remote-actions.ts, and its documents. The authorisation
 * is sealed here (activities/login-details.ts): the workflow gets only the sealed file's reference.
 */
import { randomBytes } from 'node:crypto';
import { type Client, WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import express from 'express';
import { z } from 'zod';
import { type DocumentStore, INVALID_DOCUMENT } from '../../activities/documents';
import type { LoginDetailsVault } from '../../activities/login-details';
import { identifier, plainText } from '../../domain/contract-schema';
import { caseWorkflowId } from '../../domain/products';
import { REMOTE_ACTION_TYPES, type RemoteActionPayload, type RemoteActionType, remoteActionSchemas, remoteTarget } from '../../domain/remote-actions';
import type { RemoteIntake } from '../../domain/remote-case';
import { remoteCaseView } from '../../domain/remote-case-view';
import { type remoteWorkflow, remoteStateQuery, remoteUpdates } from '../../workflows/remote';
import { type AccessDeps, securedRouter } from '../access/middleware';
import { actorOf } from '../actor';
import { HttpError, explainClosed } from '../errors';
import { actionUpdateId } from '../idempotency';
import { assembleTerms } from '../intake';
import { caseIdParams, contractTermsRule, createCaseFields, idempotencyKey } from '../cases/schemas';

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

export const documentParams = caseIdParams.extend({ documentId: z.string().regex(/^[A-Za-z0-9._-]{1,300}$/) });

/** The actions sent as they are; `authorise` has its own route. */
export const REMOTE_API_ACTIONS = REMOTE_ACTION_TYPES.filter((type): type is Exclude<RemoteActionType, 'authorise'> => type !== 'authorise');

type RemoteHandle = WorkflowHandle<typeof remoteWorkflow>;

/** What a scanned signed paper may be (the store sniffs the bytes too). */
export const SCAN_TYPES = ['application/pdf', 'image/png', 'image/jpeg'];

export function remoteRouter(deps: RemoteRouterDeps) {
  const { client, taskQueue, documents, vault } = deps;
  const router = securedRouter(deps);
  const handleOf = (caseId: string): RemoteHandle => client.workflow.getHandle<typeof remoteWorkflow>(caseWorkflowId('remote', caseId));
  const read = async (handle: RemoteHandle) => remoteCaseView(await handle.query(remoteStateQuery), Date.now());

  router.post('/', async (req, res) => {
    const openedBy = actorOf(req, 'openedBy');
    const body = createRemoteBody.parse(req.body);
    const caseId = body.caseId ?? randomBytes(8).toString('hex');
    const reportedMs = body.reportedAt ? Date.parse(body.reportedAt) : Date.now();
    const terms = await assembleTerms(client, { ...body, product: 'remote', reportedMs });
    const intake: RemoteIntake = {
      caseId,
      customer: terms.customer,
      timeZone: terms.timeZone,
      policy: terms.policy,
      severity: body.severity,
      reportedMs,
      openedBy,
      situation: body.situation,
      channel: body.channel,
      notices: terms.notices,
      ...(terms.closing && { closing: terms.closing }),
      ...(terms.contractReference && { contract: terms.contractReference }),
    };
    let created = true;
    try {
      await client.workflow.start<typeof remoteWorkflow>('remoteWorkflow', {
        workflowId: caseWorkflowId('remote', caseId),
        taskQueue,
        args: [intake],
        staticSummary: `Remote maintenance ${caseId} · ${intake.customer.name} · ${intake.policy.id} severity ${intake.severity}`,
        staticDetails: body.situation.slice(0, 500),
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      created = false;
    }
    res
      .status(created ? 201 : 200)
      .location(`/remote/${encodeURIComponent(caseId)}`)
      .json(await read(handleOf(caseId)));
  });

  router.get('/:caseId', async (req, res) => {
    const { caseId } = caseIdParams.parse(req.params);
    res.json(await read(handleOf(caseId)));
  });

  const actionRoute = <T extends (typeof REMOTE_API_ACTIONS)[number]>(type: T) => {
    router.post(`/:caseId/${type}`, async (req, res) => {
      const { caseId } = caseIdParams.parse(req.params);
      const payload = remoteActionSchemas[type].parse({ ...req.body, by: actorOf(req) }) as RemoteActionPayload<T>;
      const updateId = actionUpdateId(idempotencyKey.parse(req.get('Idempotency-Key')), type, payload);
      const handle = handleOf(caseId);
      await handle.executeUpdate(remoteUpdates[type], { args: [payload] as [RemoteActionPayload<T>], updateId }).catch(async (error: unknown) => {
        throw await explainClosed(error, handle);
      });
      res.json(await read(handle));
    });
  };
  REMOTE_API_ACTIONS.forEach(actionRoute);

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

  /** The signed paper confirmation, scanned (PDF, PNG or JPEG): stored with its hash, then the signature is sent. */
  router.post('/:caseId/confirmation-scan', express.raw({ type: SCAN_TYPES, limit: '10mb' }), async (req, res) => {
    const { caseId } = caseIdParams.parse(req.params);
    const by = actorOf(req);
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new HttpError(415, 'unsupported_media_type', `Send the scan as the body, with Content-Type ${SCAN_TYPES.join(', ')}`);
    const handle = handleOf(caseId);
    const state = await handle.query(remoteStateQuery);
    if (!state.awaiting.includes('sign-confirmation') || !state.confirmation) {
      throw new HttpError(409, 'InvalidState', `The remote case is at step ${state.step}; a scan is taken while it waits for sign-confirmation`);
    }
    try {
      await documents.sign(state.confirmation.documentId, { signedBy: by, signedAtMs: Date.now(), method: 'uploaded-scan', scan: req.body });
    } catch (error) {
      if (error instanceof ApplicationFailure && error.type === INVALID_DOCUMENT) throw new HttpError(400, INVALID_DOCUMENT, error.message);
      throw error;
    }
    await handle.executeUpdate(remoteUpdates['sign-confirmation'], { args: [{ by, method: 'uploaded-scan' }] }).catch(async (error: unknown) => {
      throw await explainClosed(error, handle);
    });
    res.json(await read(handle));
  });

  router.get('/:caseId/documents', async (req, res) => {
    const { caseId } = caseIdParams.parse(req.params);
    await handleOf(caseId).describe();
    const records = await documents.list(caseId);
    res.json({
      caseId,
      documents: records.map((record) => ({ ...record, download: `/remote/${encodeURIComponent(caseId)}/documents/${encodeURIComponent(record.id)}` })),
    });
  });

  router.get('/:caseId/documents/:documentId', async (req, res) => {
    const { caseId, documentId } = documentParams.parse(req.params);
    const document = await documents.read(documentId);
    if (!document || document.metadata.caseId !== caseId) throw new HttpError(404, 'DocumentMissing', `Case ${caseId} has no document ${documentId}`);
    res.type('application/pdf').set('Content-Disposition', `attachment; filename="${document.metadata.fileName}"`).set('X-Document-SHA256', document.metadata.sha256).send(document.bytes);
  });

  return router;
}

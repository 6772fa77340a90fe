/**
 * The routes every straight-line product case has (remote, on-site…): its state, one POST per
 * action of its action table, the signed paper uploaded as a scan, and its documents. A product's
 * router adds how its case starts and anything only it takes (remote: the sealed authorisation).
 */
import { randomBytes } from 'node:crypto';
import { type Client, WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type QueryDefinition, type UpdateDefinition } from '@temporalio/common';
import express, { type Router } from 'express';
import { z } from 'zod';
import { type DocumentStore, INVALID_DOCUMENT } from '../activities/documents';
import type { Channel } from '../domain/case/closing';
import type { ProductIntake } from '../domain/case/handoff';
import { type ProductId, caseWorkflowId } from '../domain/products';
import type { ActionResult } from '../workflows/case-runtime';
import { actorOf } from './actor';
import { HttpError, explainClosed } from './errors';
import { actionUpdateId } from './idempotency';
import { type CaseTerms, type TermsRequest, assembleTerms } from './intake';
import { caseIdParams, idempotencyKey } from './cases/schemas';

/** The terms a start request may carry itself (without a contract), as `assembleTerms` takes them. */
type TermsFields = Omit<TermsRequest, 'product' | 'reportedMs' | 'severity'>;

/** The fields every product case's start body has (the hotline's, with `situation` for `problem`). */
export interface ProductStartBody {
  caseId?: string;
  reportedAt?: string;
  severity: string;
  situation: string;
  channel: Channel;
}

/**
 * A product case's intake from its start request: its id (made when absent), when it was
 * reported, and the terms the hotline takes (contract or preset, `assembleTerms`), opened by the caller.
 */
export async function productIntake(client: Client, product: ProductId, body: ProductStartBody & TermsFields, openedBy: string): Promise<{ intake: ProductIntake; terms: CaseTerms }> {
  const caseId = body.caseId ?? randomBytes(8).toString('hex');
  const reportedMs = body.reportedAt ? Date.parse(body.reportedAt) : Date.now();
  const terms = await assembleTerms(client, { ...body, product, reportedMs });
  const intake: ProductIntake = {
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
  return { intake, terms };
}

export const documentParams = caseIdParams.extend({ documentId: z.string().regex(/^[A-Za-z0-9._-]{1,300}$/) });

/** What a scanned signed paper may be (the store sniffs the bytes too). */
export const SCAN_TYPES = ['application/pdf', 'image/png', 'image/jpeg'];

/** A document the customer may sign on paper: the route its scan is posted to and the action that signs it. */
export interface ScanRoute<State> {
  route: string;
  action: string;
  document(state: State): { documentId: string } | undefined;
}

export interface ProductRoutes<State extends { step: string; awaiting: string[] }> {
  product: ProductId;
  client: Client;
  documents: DocumentStore;
  // Each action's own payload type, checked by its schema before it is sent.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  actions: readonly { type: string; schema: z.ZodType; update: UpdateDefinition<ActionResult, [any]> }[];
  query: QueryDefinition<State>;
  view(state: State, nowMs: number): unknown;
  scans: ScanRoute<State>[];
}

export function productCaseRoutes<State extends { step: string; awaiting: string[] }>(router: Router, routes: ProductRoutes<State>) {
  const { client, documents, product } = routes;
  const base = `/${product}`;
  const handleOf = (caseId: string): WorkflowHandle => client.workflow.getHandle(caseWorkflowId(product, caseId));
  const read = async (handle: WorkflowHandle) => routes.view(await handle.query(routes.query), Date.now());
  const send = async (handle: WorkflowHandle, update: UpdateDefinition<ActionResult, [unknown]>, payload: unknown, updateId?: string) => {
    await handle.executeUpdate(update, { args: [payload], ...(updateId && { updateId }) }).catch(async (error: unknown) => {
      throw await explainClosed(error, handle);
    });
  };

  router.get('/:caseId', async (req, res) => {
    const { caseId } = caseIdParams.parse(req.params);
    res.json(await read(handleOf(caseId)));
  });

  for (const action of routes.actions) {
    router.post(`/:caseId/${action.type}`, async (req, res) => {
      const { caseId } = caseIdParams.parse(req.params);
      const payload = action.schema.parse({ ...req.body, by: actorOf(req) });
      const updateId = actionUpdateId(idempotencyKey.parse(req.get('Idempotency-Key')), action.type, payload);
      const handle = handleOf(caseId);
      await send(handle, action.update, payload, updateId);
      res.json(await read(handle));
    });
  }

  /** The signed paper, scanned (PDF, PNG or JPEG): stored with its hash, then the signature is sent. */
  for (const scan of routes.scans) {
    const update = routes.actions.find((action) => action.type === scan.action)!.update;
    router.post(`/:caseId/${scan.route}`, express.raw({ type: SCAN_TYPES, limit: '10mb' }), async (req, res) => {
      const { caseId } = caseIdParams.parse(req.params);
      const by = actorOf(req);
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new HttpError(415, 'unsupported_media_type', `Send the scan as the body, with Content-Type ${SCAN_TYPES.join(', ')}`);
      const handle = handleOf(caseId);
      const state = await handle.query(routes.query);
      const document = scan.document(state);
      if (!state.awaiting.includes(scan.action) || !document) {
        throw new HttpError(409, 'InvalidState', `The ${product} case is at step ${state.step}; a scan is taken while it waits for ${scan.action}`);
      }
      try {
        await documents.sign(document.documentId, { signedBy: by, signedAtMs: Date.now(), method: 'uploaded-scan', scan: req.body });
      } catch (error) {
        if (error instanceof ApplicationFailure && error.type === INVALID_DOCUMENT) throw new HttpError(400, INVALID_DOCUMENT, error.message);
        throw error;
      }
      await send(handle, update, { by, method: 'uploaded-scan' });
      res.json(await read(handle));
    });
  }

  router.get('/:caseId/documents', async (req, res) => {
    const { caseId } = caseIdParams.parse(req.params);
    const handle = handleOf(caseId);
    await handle.describe();
    // A case handed to several products shares its id: each lists the documents of its own workflow.
    const records = (await documents.list(caseId)).filter((record) => record.id.startsWith(`${handle.workflowId}.`));
    res.json({
      caseId,
      documents: records.map((record) => ({ ...record, download: `${base}/${encodeURIComponent(caseId)}/documents/${encodeURIComponent(record.id)}` })),
    });
  });

  router.get('/:caseId/documents/:documentId', async (req, res) => {
    const { caseId, documentId } = documentParams.parse(req.params);
    const document = await documents.read(documentId);
    if (!document || document.metadata.caseId !== caseId || !documentId.startsWith(`${caseWorkflowId(product, caseId)}.`)) {
      throw new HttpError(404, 'DocumentMissing', `The ${product} case ${caseId} has no document ${documentId}`);
    }
    res.type('application/pdf').set('Content-Disposition', `attachment; filename="${document.metadata.fileName}"`).set('X-Document-SHA256', document.metadata.sha256).send(document.bytes);
  });

  /** Starts the case (201), or answers the one that runs under that id already (200). */
  const start = async (res: express.Response, start: { caseId: string; workflowType: string; taskQueue: string; intake: unknown; summary: string; details: string }) => {
    let created = true;
    try {
      await client.workflow.start(start.workflowType, {
        workflowId: caseWorkflowId(product, start.caseId),
        taskQueue: start.taskQueue,
        args: [start.intake],
        staticSummary: start.summary,
        staticDetails: start.details.slice(0, 500),
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      created = false;
    }
    res
      .status(created ? 201 : 200)
      .location(`${base}/${encodeURIComponent(start.caseId)}`)
      .json(await read(handleOf(start.caseId)));
  };

  return { handleOf, read, start };
}

/**
 * Liveness and readiness for the platform's probes, unauthenticated: `/healthz` answers while the
 * process serves; `/readyz` only when Temporal answers and a worker polls the task queue (else 503
 * with what is missing, so a load balancer sends no traffic the API could only answer with 504).
 */
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/** A poller not seen for this long is a worker that went away (the server keeps it listed for minutes). */
const POLLER_FRESH_MS = 70_000;
const PROBE_TIMEOUT_MS = 2_000;

export function healthRouter({ client, taskQueue }: { client: Client; taskQueue: string }): Router {
  const router = Router();
  const alive = (_req: unknown, res: { json(body: unknown): void }) => res.json({ ok: true });
  router.get('/health', alive);
  router.get('/healthz', alive);
  router.get('/readyz', async (_req, res) => {
    const problems: string[] = [];
    let workers = 0;
    try {
      const { pollers } = await client.connection.withDeadline(Date.now() + PROBE_TIMEOUT_MS, () =>
        client.workflowService.describeTaskQueue({
          namespace: client.options.namespace,
          taskQueue: { name: taskQueue },
          taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        }),
      );
      workers = (pollers ?? []).filter((poller) => Date.now() - Number(String(poller.lastAccessTime?.seconds ?? 0)) * 1000 < POLLER_FRESH_MS).length;
      if (workers === 0) problems.push(`no worker polls task queue "${taskQueue}"`);
    } catch (error) {
      problems.push(`Temporal does not answer: ${(error as Error).message}`);
    }
    res.status(problems.length === 0 ? 200 : 503).json({ ready: problems.length === 0, taskQueue, workers, problems });
  });
  return router;
}

/** Builds the worker from its dependencies; tests and the production entry point share this. */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { createRemoteAccessActivities, type RemoteAccessDeps } from '../activities/remote-access';

export const WORKFLOWS_PATH = require.resolve('../workflows');

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  activities: ActivityDeps;
  maxCachedWorkflows?: number;
  /** A prebuilt bundle (production) or the workflows' source path (bundled at start-up). */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue,
    activities: createActivities(options.activities),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...(options.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: options.maxCachedWorkflows }),
  });
}

/**
 * A task queue only this process polls: a remote port lives in the process that opened it, so its
 * close must reach that process (the workflow sends it to the queue the open returned).
 */
export function gatewayQueueOf(taskQueue: string): string {
  return `${taskQueue}-gateway-${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** The worker on this process's gateway queue: the remote access activities only. */
export function createGatewayWorker(options: { connection: NativeConnection; namespace?: string; remoteAccess: RemoteAccessDeps }): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.remoteAccess.gatewayQueue,
    activities: createRemoteAccessActivities(options.remoteAccess),
  });
}

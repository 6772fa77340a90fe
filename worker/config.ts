/** Worker configuration, parsed once at start-up; a bad variable stops the worker with its name. */
import path from 'node:path';
import { z } from 'zod';
import { auditDirectoryFrom } from '../activities/audit-archive';
import { documentDirectoryFrom } from '../activities/documents';
import { type SealingKeys, parseSealingKeys, secretDirectoryFrom } from '../activities/login-details';
import type { MailTransportConfig } from '../activities/notify';

const envSchema = z.object({
  AFTERCARE_TASK_QUEUE: z.string().min(1).default('aftercare'),
  AFTERCARE_OUTBOX_DIR: z.string().min(1).default(path.resolve('outbox')),
  AFTERCARE_SMTP_URL: z.url().optional(),
  AFTERCARE_MAIL_FROM: z.string().min(3).default('Aftercare <aftercare@localhost>'),
  // Cached runs bound the worker's memory, not open cases (a run out of the cache replays its short
  // history when it wakes). Measured with this bundle: 2–4 MB each; `npm run bench` checks the total.
  AFTERCARE_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(2).default(32),
  AFTERCARE_WORKFLOW_BUNDLE: z.string().optional(),
  /** host:port of the worker's Prometheus endpoint (SDK and workflow metrics); none when unset. */
  AFTERCARE_WORKER_METRICS_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d{1,5}$/, 'host:port, e.g. 127.0.0.1:9464')
    .optional(),
});

export interface WorkerConfig {
  taskQueue: string;
  mail: { transport: MailTransportConfig; from: string };
  maxCachedWorkflows: number;
  workflowBundlePath?: string;
  /** The older audit entries of cases (activities/audit-archive.ts). */
  auditDirectory: string;
  /** The PDFs of remote maintenance and on-site visits; the API reads the same folder. */
  documentDirectory: string;
  /** Sealed remote login details and the keys that open them (activities/login-details.ts). */
  secretDirectory: string;
  sealingKeys: SealingKeys;
  metricsAddress?: string;
}

export function parseWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid worker configuration: ${problems}`);
  }
  const vars = parsed.data;
  return {
    taskQueue: vars.AFTERCARE_TASK_QUEUE,
    mail: {
      transport: vars.AFTERCARE_SMTP_URL ? { kind: 'smtp', url: vars.AFTERCARE_SMTP_URL } : { kind: 'outbox', directory: vars.AFTERCARE_OUTBOX_DIR },
      from: vars.AFTERCARE_MAIL_FROM,
    },
    maxCachedWorkflows: vars.AFTERCARE_MAX_CACHED_WORKFLOWS,
    workflowBundlePath: vars.AFTERCARE_WORKFLOW_BUNDLE,
    auditDirectory: auditDirectoryFrom(env),
    documentDirectory: documentDirectoryFrom(env),
    secretDirectory: secretDirectoryFrom(env),
    sealingKeys: parseSealingKeys(env),
    metricsAddress: vars.AFTERCARE_WORKER_METRICS_ADDRESS,
  };
}

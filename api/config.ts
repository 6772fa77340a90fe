/** API configuration, parsed once at start-up; a bad variable stops the API with its name. */
import { z } from 'zod';
import { auditDirectoryFrom } from '../activities/audit-archive';
import { apiKeysFileFrom } from './access/keys';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  AFTERCARE_TASK_QUEUE: z.string().min(1).default('aftercare'),
  /** How long one request may wait on Temporal (and its workers) before it answers 504 or 503. */
  AFTERCARE_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
});

export function parseApiConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid API configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  return {
    port: parsed.data.PORT,
    taskQueue: parsed.data.AFTERCARE_TASK_QUEUE,
    requestTimeoutMs: parsed.data.AFTERCARE_REQUEST_TIMEOUT_MS,
    auditDirectory: auditDirectoryFrom(env),
    apiKeysFile: apiKeysFileFrom(env),
  };
}

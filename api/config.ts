/** API configuration, parsed once at start-up; a bad variable stops the API with its name. */
import { z } from 'zod';
import { auditDirectoryFrom } from '../activities/audit-archive';
import { documentDirectoryFrom } from '../activities/documents';
import { parseSealingKeys, secretDirectoryFrom } from '../activities/login-details';
import { DEFAULT_CUSTOMER_ID_CLAIM, DEFAULT_JWT_ALGORITHMS, DEFAULT_ROLE_CLAIM, JWT_ALGORITHMS, type JwtConfig } from './access/jwt';
import { apiKeysFileFrom } from './access/keys';

/** An empty variable counts as unset (`AFTERCARE_JWT_JWKS_URL=` in an env file turns JWTs off). */
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);
const optionalText = z.preprocess(unsetIfEmpty, z.string().trim().min(1).optional());
const claimName = (fallback: string) => z.preprocess(unsetIfEmpty, z.string().trim().min(1).max(200).default(fallback));

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Keys fetched over plain HTTP could be swapped on the way: HTTPS, or HTTP to this machine only. */
const jwksUrl = z.url({ protocol: /^https?$/ }).refine((url) => {
  const { protocol, hostname } = new URL(url);
  return protocol === 'https:' || LOOPBACK_HOSTS.has(hostname);
}, 'Use an https:// URL (plain http only to localhost)');

const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    AFTERCARE_TASK_QUEUE: z.string().min(1).default('aftercare'),
    /** How long one request may wait on Temporal (and its workers) before it answers 504 or 503. */
    AFTERCARE_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    /** The identity provider's key set; unset, only API keys are accepted. */
    AFTERCARE_JWT_JWKS_URL: z.preprocess(unsetIfEmpty, jwksUrl.optional()),
    AFTERCARE_JWT_ISSUER: optionalText,
    AFTERCARE_JWT_AUDIENCE: optionalText,
    /** Comma-separated; asymmetric algorithms only (never `none` or HS*). */
    AFTERCARE_JWT_ALGORITHMS: z.preprocess(
      (value) => (typeof value === 'string' && value.trim() !== '' ? value.split(',').map((name) => name.trim()) : undefined),
      z
        .array(z.enum(JWT_ALGORITHMS))
        .min(1)
        .default([...DEFAULT_JWT_ALGORITHMS]),
    ),
    AFTERCARE_JWT_ROLE_CLAIM: claimName(DEFAULT_ROLE_CLAIM),
    AFTERCARE_JWT_CUSTOMER_ID_CLAIM: claimName(DEFAULT_CUSTOMER_ID_CLAIM),
    /** Seals search page tokens; APIs behind one load balancer share it (unset: a random key per process). */
    AFTERCARE_PAGE_TOKEN_KEY: z.preprocess(unsetIfEmpty, z.string().min(32, 'At least 32 characters (e.g. openssl rand -hex 32)').optional()),
  })
  .superRefine((env, context) => {
    // Half a JWT configuration is a mistake either way: tokens refused that were meant to work, or an unchecked issuer.
    for (const name of ['AFTERCARE_JWT_ISSUER', 'AFTERCARE_JWT_AUDIENCE'] as const) {
      if (env.AFTERCARE_JWT_JWKS_URL !== undefined && env[name] === undefined) context.addIssue({ code: 'custom', path: [name], message: 'Required when AFTERCARE_JWT_JWKS_URL is set' });
      if (env.AFTERCARE_JWT_JWKS_URL === undefined && env[name] !== undefined) context.addIssue({ code: 'custom', path: [name], message: 'Set AFTERCARE_JWT_JWKS_URL too, or JWTs stay off' });
    }
  });

export function parseApiConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid API configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  const { data } = parsed;
  const jwt: JwtConfig | undefined =
    data.AFTERCARE_JWT_JWKS_URL === undefined
      ? undefined
      : {
          jwksUrl: data.AFTERCARE_JWT_JWKS_URL,
          issuer: data.AFTERCARE_JWT_ISSUER!,
          audience: data.AFTERCARE_JWT_AUDIENCE!,
          algorithms: data.AFTERCARE_JWT_ALGORITHMS,
          roleClaim: data.AFTERCARE_JWT_ROLE_CLAIM,
          customerIdClaim: data.AFTERCARE_JWT_CUSTOMER_ID_CLAIM,
        };
  return {
    port: data.PORT,
    taskQueue: data.AFTERCARE_TASK_QUEUE,
    requestTimeoutMs: data.AFTERCARE_REQUEST_TIMEOUT_MS,
    auditDirectory: auditDirectoryFrom(env),
    /** Shared with the worker: the documents it writes, the sealed logins it opens (same keys). */
    documentDirectory: documentDirectoryFrom(env),
    secretDirectory: secretDirectoryFrom(env),
    sealingKeys: parseSealingKeys(env),
    apiKeysFile: apiKeysFileFrom(env),
    /** Bearer JWTs from the operator's identity provider; undefined when off. */
    jwt,
    pageTokenKey: data.AFTERCARE_PAGE_TOKEN_KEY,
  };
}

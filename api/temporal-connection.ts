/**
 * The API's connection to Temporal, from the SDK's own environment conventions (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TLS settings, config profiles).
 */
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type ConnectionOptions } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';

/**
 * A caller waits on the HTTP request: a few quick retries, then 503, rather than the SDK's default
 * of ten attempts over about fifteen seconds.
 */
const API_RETRY = defaultGrpcRetryOptions({ maxAttempts: 3 });

/** Lazy: the API starts while Temporal is down and answers 503 until it is back. */
export function apiConnection(options: Pick<ConnectionOptions, 'address' | 'tls' | 'apiKey' | 'metadata'>): Connection {
  return Connection.lazy({ ...options, interceptors: [makeGrpcRetryInterceptor(API_RETRY)] });
}

export function apiClientFromEnvironment(): { client: Client; connection: Connection } {
  const { connectionOptions, namespace } = loadClientConnectConfig();
  const connection = apiConnection({
    address: connectionOptions.address,
    // The native and the JS connection describe TLS with the same fields.
    tls: connectionOptions.tls as ConnectionOptions['tls'],
    apiKey: connectionOptions.apiKey,
    metadata: connectionOptions.metadata,
  });
  return { connection, client: new Client({ connection, namespace: namespace ?? 'default' }) };
}

/** API entry point: listens, and shuts down cleanly on SIGINT/SIGTERM. */
import { DocumentStore } from '../activities/documents';
import { LoginDetailsVault } from '../activities/login-details';
import { createJwtVerifier } from './access/jwt';
import { KeyStore } from './access/keys';
import { createApp } from './app';
import { parseApiConfig } from './config';
import { apiClientFromEnvironment } from './temporal-connection';

function main(): void {
  const config = parseApiConfig();
  const { client, connection } = apiClientFromEnvironment();
  const server = createApp({
    client,
    taskQueue: config.taskQueue,
    requestTimeoutMs: config.requestTimeoutMs,
    auditDirectory: config.auditDirectory,
    keys: new KeyStore(config.apiKeysFile),
    pageTokenKey: config.pageTokenKey,
    remote: { documents: new DocumentStore(config.documentDirectory), vault: new LoginDetailsVault(config.secretDirectory, config.sealingKeys) },
    ...(config.jwt && { jwt: createJwtVerifier(config.jwt) }),
  }).listen(config.port, () => {
    console.log(`Aftercare API listening on http://localhost:${config.port}`);
    console.log(config.jwt ? `Accepting API keys and JWTs issued by ${config.jwt.issuer} for ${config.jwt.audience}` : 'Accepting API keys only (AFTERCARE_JWT_JWKS_URL is unset)');
  });
  const stop = () => {
    server.close(() => {
      void connection.close().finally(() => process.exit(0));
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main();

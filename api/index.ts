/** API entry point: listens, and shuts down cleanly on SIGINT/SIGTERM. */
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
  }).listen(config.port, () => {
    console.log(`Aftercare API listening on http://localhost:${config.port}`);
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

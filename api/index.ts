/** API entry point: listens, and shuts down cleanly on SIGINT/SIGTERM. */
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { createApp } from './app';
import { parseApiConfig } from './config';

function main(): void {
  const config = parseApiConfig();
  const connect = loadClientConnectConfig();
  // Lazy: the API starts while Temporal is down and answers 503 until it is back.
  const connection = Connection.lazy(connect.connectionOptions as never);
  const client = new Client({ connection, namespace: connect.namespace ?? 'default' });
  const server = createApp({ client, taskQueue: config.taskQueue }).listen(config.port, () => {
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

/** Worker entry point: connects with the SDK's env conventions (TEMPORAL_ADDRESS, namespace, TLS, API key). */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { DocumentStore } from '../activities/documents';
import { LoginDetailsVault } from '../activities/login-details';
import { RemoteAccessGateway } from '../activities/remote-access';
import { createLogger, sdkLogger } from '../api/logging';
import { parseWorkerConfig } from './config';
import { createGatewayWorker, createWorker, gatewayQueueOf } from './worker';

async function main(): Promise<void> {
  const config = parseWorkerConfig();
  Runtime.install({
    // One JSON log format with the API (api/logging.ts): the SDK's lines and the workflows' own.
    logger: sdkLogger(createLogger('aftercare-worker')),
    // The SDK's own series (polls, task latencies, cache) and the workflows' (workflows/case-metrics.ts).
    ...(config.metricsAddress && {
      telemetryOptions: { metrics: { prometheus: { bindAddress: config.metricsAddress, countersTotalSuffix: true, useSecondsForDurations: true } } },
    }),
  });
  const connect = loadClientConnectConfig();
  const connection = await NativeConnection.connect(connect.connectionOptions);
  const documents = new DocumentStore(config.documentDirectory);
  const remoteAccess = { gateway: new RemoteAccessGateway(), vault: new LoginDetailsVault(config.secretDirectory, config.sealingKeys), gatewayQueue: gatewayQueueOf(config.taskQueue) };
  if (config.sealingKeys.generatedFile) console.warn(`No AFTERCARE_SEALING_KEYS: sealing remote login details with the key generated in ${config.sealingKeys.generatedFile} (this machine only)`);
  const worker = await createWorker({
    connection,
    namespace: connect.namespace,
    taskQueue: config.taskQueue,
    activities: { notification: { ...config.mail, documents }, auditArchive: { directory: config.auditDirectory }, documents: { store: documents }, remoteAccess },
    maxCachedWorkflows: config.maxCachedWorkflows,
    workflowBundle: config.workflowBundlePath ? { codePath: config.workflowBundlePath } : undefined,
  });
  if (config.metricsAddress) console.log(`Worker metrics on http://${config.metricsAddress}/metrics`);
  console.log(`Worker polling task queue "${config.taskQueue}" on ${connect.connectionOptions.address ?? 'localhost:7233'}`);
  const gatewayWorker = await createGatewayWorker({ connection, namespace: connect.namespace, remoteAccess });
  // Worker.run() handles SIGINT/SIGTERM itself: it drains in-flight tasks, then resolves. No port
  // outlives the process: what is still open closes (the workflows see their close fail and record it).
  await Promise.all([worker.run(), gatewayWorker.run()]);
  await remoteAccess.gateway.closeAll();
  await connection.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

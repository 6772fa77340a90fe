/** The real activities' dependencies for a test worker, every folder under one temporary directory. */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ActivityDeps } from '../../activities';
import { DocumentStore } from '../../activities/documents';
import { LoginDetailsVault, parseSealingKeys } from '../../activities/login-details';
import type { MailTransportConfig } from '../../activities/notify';
import { RemoteAccessGateway } from '../../activities/remote-access';

export interface TestActivityDeps extends ActivityDeps {
  documents: { store: DocumentStore };
  remoteAccess: { gateway: RemoteAccessGateway; vault: LoginDetailsVault; gatewayQueue: string };
}

/**
 * `gatewayQueue`: the queue the test worker polls, since in a test one worker is the process that
 * holds the remote ports. The sealing key is fresh per call, as the API in the same test shares it.
 */
export function testActivityDeps(options: { transport: MailTransportConfig; directory: string; from?: string; auditDirectory?: string; gatewayQueue?: string }): TestActivityDeps {
  const store = new DocumentStore(path.join(options.directory, 'documents'));
  const keys = parseSealingKeys({ AFTERCARE_SEALING_KEYS: `test-${randomBytes(3).toString('hex')}:${randomBytes(32).toString('base64')}` });
  return {
    notification: { transport: options.transport, from: options.from ?? 'aftercare@test', documents: store },
    auditArchive: { directory: options.auditDirectory ?? path.join(options.directory, 'audit') },
    documents: { store },
    remoteAccess: {
      gateway: new RemoteAccessGateway(),
      vault: new LoginDetailsVault(path.join(options.directory, 'secrets'), keys),
      gatewayQueue: options.gatewayQueue ?? 'aftercare-gateway-unused',
    },
  };
}

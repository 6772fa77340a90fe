import { type AuditArchiveDeps, createAuditArchiveActivities } from './audit-archive';
import { createDocumentActivities, type DocumentDeps } from './documents';
import { createNotificationActivities, type NotificationDeps } from './notify';
import { createRemoteAccessActivities, type RemoteAccessDeps } from './remote-access';

export interface ActivityDeps {
  notification: NotificationDeps;
  auditArchive: AuditArchiveDeps;
  documents: DocumentDeps;
  remoteAccess: RemoteAccessDeps;
}

/** All activities, built from their dependencies (one factory per integration). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createNotificationActivities(deps.notification),
    ...createAuditArchiveActivities(deps.auditArchive),
    ...createDocumentActivities(deps.documents),
    ...createRemoteAccessActivities(deps.remoteAccess),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { EmailMessage, SentEmail } from './notify';

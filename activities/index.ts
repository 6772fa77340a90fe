import { type AuditArchiveDeps, createAuditArchiveActivities } from './audit-archive';
import { createNotificationActivities, type NotificationDeps } from './notify';

export interface ActivityDeps {
  notification: NotificationDeps;
  auditArchive: AuditArchiveDeps;
}

/** All activities, built from their dependencies (one factory per integration). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createNotificationActivities(deps.notification),
    ...createAuditArchiveActivities(deps.auditArchive),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { EmailMessage, SentEmail } from './notify';

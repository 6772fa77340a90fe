/**
 * The older part of a growing record (a case's audit, a contract's amendments), kept outside the
 * workflow so that its state stays bounded whatever the number of actions (D-19: every change stays
 * readable). One JSON file per page,
 * named by the sequence number of its first entry: writing a page again (a retried activity)
 * rewrites the same file with the same entries, so a page is never kept twice.
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { outboxFileName } from './notify';

export interface AuditPage {
  workflowId: string;
  /** Sequence number (0-based, over the case's whole life) of the page's first entry. */
  firstSequence: number;
  entries: unknown[];
}

export interface AuditArchiveDeps {
  directory: string;
}

/**
 * Where the worker writes the archive and the API reads it: AFTERCARE_AUDIT_DIR, else `audit` in
 * the data folder. Both processes must see the same folder (the README says so for production).
 */
export function auditDirectoryFrom(env: NodeJS.ProcessEnv): string {
  return path.resolve(env.AFTERCARE_AUDIT_DIR || path.join(env.AFTERCARE_DATA_DIR || '.data', 'audit'));
}

/** One folder per case, its name injective in the workflow id (as outbox files are in their keys). */
function caseFolder(directory: string, workflowId: string): string {
  return path.join(directory, outboxFileName(workflowId).replace(/\.eml$/, ''));
}

function pageFile(folder: string, firstSequence: number): string {
  return path.join(folder, `${String(firstSequence).padStart(12, '0')}.json`);
}

export function createAuditArchiveActivities({ directory }: AuditArchiveDeps) {
  return {
    async archiveAudit(page: AuditPage): Promise<void> {
      const folder = caseFolder(directory, page.workflowId);
      await mkdir(folder, { recursive: true });
      const file = pageFile(folder, page.firstSequence);
      // Written whole, then renamed: a reader never sees half a page.
      const partial = `${file}.${process.pid}.partial`;
      await writeFile(partial, JSON.stringify(page.entries));
      await rename(partial, file);
    },
  };
}

/** Every archived entry of a workflow, oldest first (none when nothing was archived yet). */
export async function readArchivedAudit<T>(directory: string, workflowId: string): Promise<T[]> {
  const folder = caseFolder(directory, workflowId);
  let names: string[];
  try {
    names = (await readdir(folder)).filter((name) => /^\d{12}\.json$/.test(name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const pages = await Promise.all(names.map(async (name) => JSON.parse(await readFile(path.join(folder, name), 'utf8')) as T[]));
  return pages.flat();
}

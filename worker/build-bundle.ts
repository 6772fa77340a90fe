/** Prebuilds the workflow bundle, so production workers skip webpack at start-up. */
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { WORKFLOWS_PATH } from './worker';

/** webpack's module listing is noise at start-up; keep its warnings and errors. */
const quietLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

async function main(): Promise<void> {
  const output = path.resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  await mkdir(path.dirname(output), { recursive: true });
  await writeFile(output, code);
  console.log(`Workflow bundle written to ${output}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

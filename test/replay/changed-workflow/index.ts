/**
 * A hotline workflow changed without `patched()`: it waits before doing what the released one does.
 * Replaying released histories against it must fail, or the replay test proves nothing.
 */
import { sleep } from '@temporalio/workflow';
import { type HotlineWorkflowInput, hotlineWorkflow as releasedHotlineWorkflow } from '../../../workflows/hotline';

export async function hotlineWorkflow(input: HotlineWorkflowInput) {
  await sleep('1 second');
  return releasedHotlineWorkflow(input);
}

export { satisfactionCallBackWorkflow } from '../../../workflows/satisfaction-call-back';

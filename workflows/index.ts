export { hotlineWorkflow } from './hotline';
export { satisfactionCallBackWorkflow } from './satisfaction-call-back';
export { contractWorkflow } from './contract';
export { officialDaysWorkflow } from './official-days';
export { remoteWorkflow } from './remote';
export { onSiteWorkflow } from './on-site';

export { hotlineWorkflow } from './hotline';
export { satisfactionCallBackWorkflow } from './satisfaction-call-back';

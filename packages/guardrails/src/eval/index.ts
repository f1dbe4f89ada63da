// `@aigw/guardrails/eval`: the detector evaluation, for `npm run eval:guardrails` and its test.
export { PRECISION_GOAL, RECALL_GOAL, evaluate, meetsGoals } from './evaluate.ts';
export type { DetectorScore, EvalCase } from './evaluate.ts';

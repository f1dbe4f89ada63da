export { DEV_OPERATOR_KEY, OPERATOR_PREFIX, OPERATOR_SECRET, operatorOnly } from './operator.ts';

export { jsonBody } from './json-body.ts';

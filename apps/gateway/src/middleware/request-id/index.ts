export { CLIENT_REQUEST_ID_PATTERN, requestIds } from './request-id.ts';

export { tenantBodyLimit } from './body-limit.ts';

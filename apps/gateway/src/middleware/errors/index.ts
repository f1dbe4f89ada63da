export { isOpenAIRoute, notFound, onError, renderError } from './errors.ts';

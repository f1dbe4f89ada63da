export { isAnthropicRoute, isOpenAIRoute, notFound, onError, renderError } from './errors.ts';

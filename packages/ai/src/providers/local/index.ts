export { LOCAL_MODELS, localProvider } from './local.ts';

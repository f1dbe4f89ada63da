import type { Context } from 'hono';
import type { RouterDeps, ProviderEnv } from '@aigw/ai';
import type { GatewayEnv } from '../context.ts';
import type { ChatInput } from './chat-service.ts';

/** The router's collaborators for this request. */
export function routerDeps(c: Context<GatewayEnv>): RouterDeps {
  const { upstreamFetch, breakers } = c.get('services');
  // Env carries the AI binding (staging/production) and the secrets tenant configs name.
  return { env: c.env as unknown as ProviderEnv, fetch: upstreamFetch, breakers };
}

/** The caller-independent part of a chat input, from the resolved tenant and key. */
export function callerOf(c: Context<GatewayEnv>): Pick<ChatInput, 'tenant' | 'apiKey' | 'requestId'> {
  return { tenant: c.get('tenant'), apiKey: c.get('apiKey'), requestId: c.get('requestId') };
}

/** Hands the call's usage record to the request log line. */
export function reportUsage(c: Context<GatewayEnv>) {
  return (usage: GatewayEnv['Variables']['usage']) => {
    c.set('usage', usage);
  };
}

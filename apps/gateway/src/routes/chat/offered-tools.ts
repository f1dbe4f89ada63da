import type { Context } from 'hono';
import type { ToolSpec } from '@aigw/ai';
import type { GatewayEnv } from '../../context.ts';
import { chatTools, splitClientTools } from '../../chat/tools.ts';

/**
 * The tool loop for the function tools an OpenAI-format request offers (chat completions and
 * responses alike): tools named like an enabled gateway tool run in the gateway, the rest are the
 * client's and come back to it as calls. Undefined when nothing is offered.
 */
export function offeredTools(
  c: Context<GatewayEnv>,
  offered: readonly ToolSpec[],
): ReturnType<typeof chatTools> {
  const split = splitClientTools(c, offered);
  return chatTools(c, split.gatewayNames, split.clientTools);
}

import { GatewayError, isGatewayError } from '@aigw/core';
import type { ToolChoice, ToolSpec } from '@aigw/ai';
import { findTool, toolSpec } from '@aigw/tools';
import type { TenantConfig } from '@aigw/tenancy';
import type { EngineDeps } from '../deps.ts';
import type { ToolRequest } from '../request.ts';
import type { ToolLoop } from '../run/run.ts';

/** The tools a turn offers the model, and the loop that runs the gateway's among them. */
export interface TurnTools {
  specs: ToolSpec[];
  loop: ToolLoop;
  /** Whether any of them is the gateway's own (run here, with effects). */
  gateway: boolean;
}

/**
 * The tools of a request: the gateway tools it names (each must be enabled for the tenant, else
 * `not_found`, as if it did not exist), and the function tools it offers, of which those named like
 * an enabled gateway tool run in the gateway and the rest are the client's, passed through.
 * Undefined when there are none, or when the tool choice is `none` (the model is offered none).
 */
export function turnTools(
  deps: Pick<EngineDeps, 'runTool'>,
  tenant: TenantConfig,
  request: ToolRequest | undefined,
  choice: ToolChoice | undefined,
): TurnTools | undefined {
  const named = request?.named ?? [];
  const offered = request?.offered ?? [];
  if (choice === 'none') return undefined;
  const enabled = (name: string) =>
    tenant.features.tools ? findTool(name, tenant.tools.enabled) : undefined;
  const ours: ToolSpec[] = named.map((name) => {
    const tool = enabled(name);
    if (tool === undefined)
      throw new GatewayError('not_found', `No tool named "${name}" is available.`, { param: 'tools' });
    return toolSpec(tool);
  });
  const clientTools: ToolSpec[] = [];
  for (const tool of offered) {
    // A gateway tool runs here, so the model is offered its own description and schema.
    const found = enabled(tool.name);
    if (found === undefined) clientTools.push(tool);
    else ours.push(toolSpec(found));
  }
  const specs = [...ours, ...clientTools];
  if (typeof choice === 'object' && !specs.some((tool) => tool.name === choice.name)) {
    throw new GatewayError(
      'invalid_request',
      `tool_choice names the tool "${choice.name}", which the request does not offer.`,
      { param: 'tool_choice' },
    );
  }
  if (specs.length === 0) return undefined;
  const clientNames = new Set(clientTools.map((tool) => tool.name));
  return {
    specs,
    gateway: ours.length > 0,
    loop: {
      maxSteps: tenant.tools.maxSteps,
      // Anything but the client's own tools is the gateway's to run, so a call to a tool the tenant
      // has not enabled is refused (not_found, audited) and never handed on.
      isGatewayTool: (name) => !clientNames.has(name),
      // A model's arguments are validated like any caller's; refusals go back to the model as data.
      execute: async (call, signal) => {
        let args: unknown = call.arguments;
        try {
          args = JSON.parse(call.arguments);
        } catch {
          // Not JSON: passed as the string, which fails validation as invalid_tool_arguments.
        }
        try {
          return { ok: true, result: await deps.runTool(call.name, args, signal) };
        } catch (error) {
          return {
            ok: false,
            error: isGatewayError(error)
              ? error
              : new GatewayError('tool_failed', undefined, { cause: error }),
          };
        }
      },
    },
  };
}

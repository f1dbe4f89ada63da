import { describe, expect, it } from 'vitest';
import { TOOL_NAMES, toolsSettingsSchema } from '@aigw/tools/settings';
import { TOOLS, findTool, openAIFunctionSpec, toolsForTenant } from './registry.ts';

describe('tool registry', () => {
  it('registers every built-in under its own name', () => {
    expect(Object.keys(TOOLS)).toEqual([...TOOL_NAMES]);
    for (const [key, tool] of Object.entries(TOOLS)) {
      expect(tool.name).toBe(key);
      expect(tool.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      expect(tool.timeoutMs).toBeGreaterThan(0);
    }
  });

  it('shows a tenant only the tools it enabled (default deny)', () => {
    expect(toolsForTenant([])).toEqual([]);
    expect(toolsForTenant(toolsSettingsSchema.parse({}).enabled)).toEqual([]);
    expect(toolsForTenant(['classify_intent', 'summarize']).map((tool) => tool.name)).toEqual([
      'summarize',
      'classify_intent',
    ]);
    expect(toolsForTenant(['not_a_tool', 'toString', '__proto__'])).toEqual([]);
    expect(findTool('summarize', ['classify_intent'])).toBeUndefined();
    expect(findTool('constructor', ['constructor'])).toBeUndefined();
    expect(findTool('summarize', ['summarize'])).toBe(TOOLS.summarize);
  });

  it('publishes each tool in OpenAI function format with its JSON Schema', () => {
    const spec = openAIFunctionSpec(TOOLS.summarize);
    expect(spec).toEqual({
      type: 'function',
      function: {
        name: 'summarize',
        description: TOOLS.summarize.description,
        parameters: {
          type: 'object',
          properties: {
            text: expect.objectContaining({ type: 'string', minLength: 1 }) as unknown,
            maxSentences: expect.objectContaining({ type: 'integer', default: 3, maximum: 20 }) as unknown,
          },
          required: ['text'],
          additionalProperties: false,
        },
      },
    });
    // The document is bare JSON Schema: no dialect marker for upstreams to choke on.
    for (const tool of Object.values(TOOLS)) {
      expect(openAIFunctionSpec(tool).function.parameters).not.toHaveProperty('$schema');
    }
  });
});

describe('tools settings schema', () => {
  it('defaults to no tools and four steps', () => {
    expect(toolsSettingsSchema.parse({})).toEqual({ enabled: [], maxSteps: 4 });
  });

  it('rejects unknown tool names and keys with their paths', () => {
    const parsed = toolsSettingsSchema.safeParse({ enabled: ['summarize', 'rm_rf'], maxStep: 3 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path)).toEqual([['enabled', 1], []]);
  });
});

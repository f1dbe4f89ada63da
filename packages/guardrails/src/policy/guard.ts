import { GatewayError } from '@aigw/core';
import type { Direction, Surface } from '@aigw/guardrails/settings';
import type { SafetyClassifier, SafetyVerdict } from '../safety/index.ts';
import { blockedError, type CompiledPolicy, type GuardrailDecision, type RuleSet } from './policy.ts';
import { findHits, firstBlock, redact, type Hit } from './scan.ts';
import { StreamGuard } from './stream.ts';

/** What a guard needs from the app: where decisions go, and the hazard classifier of the environment. */
export interface GuardPorts {
  /** Every decision as it is taken (usage counts; a block is also written to the audit ledger). */
  record(decision: GuardrailDecision): void;
  safety: SafetyClassifier;
}

/** The most JSON levels a value walk descends (tool arguments are bounded far below this already). */
const MAX_DEPTH = 64;

/**
 * One request's guard on one surface: applies the policy's input rules to what the client sends
 * and its output rules to what goes back, records every decision, and throws `guardrail_blocked`
 * (naming rule and detector, never the text) for a block.
 */
export class Guard {
  readonly #input: RuleSet | undefined;
  readonly #output: RuleSet | undefined;
  /** The last input checked, as context for the safety check of the answer to it. */
  #prompt: string | undefined;

  constructor(
    policy: CompiledPolicy,
    readonly surface: Surface,
    private readonly ports: GuardPorts,
  ) {
    this.#input = policy.rules(surface, 'input');
    this.#output = policy.rules(surface, 'output');
  }

  get checksInput(): boolean {
    return this.#input !== undefined;
  }

  get checksOutput(): boolean {
    return this.#output !== undefined;
  }

  /** Texts the client sent (a conversation's messages): span rules on each, one safety check on all. */
  async input(texts: readonly string[]): Promise<string[]> {
    const set = this.#input;
    if (set === undefined) return [...texts];
    const out = texts.map((text) => this.#spans(set, 'input', text));
    this.#prompt = out.at(-1);
    if (set.safety.length > 0) await this.#safety(set, 'input', out.join('\n\n'));
    return out;
  }

  /** A whole answer (a JSON response, a search answer). */
  async output(text: string): Promise<string> {
    const set = this.#output;
    if (set === undefined) return text;
    const out = this.#spans(set, 'output', text);
    if (set.safety.length > 0) await this.#safety(set, 'output', out);
    return out;
  }

  /** A JSON value the client sent (tool arguments): every string in it, keys left as they are. */
  inputValue(value: unknown): Promise<unknown> {
    return this.#value('input', value);
  }

  /** A JSON value going back (a tool result). */
  outputValue(value: unknown): Promise<unknown> {
    return this.#value('output', value);
  }

  /** The output rules for a streamed answer; undefined when the surface has none. */
  stream(): StreamGuard | undefined {
    const set = this.#output;
    if (set === undefined) return undefined;
    const decision = (hit: Hit): GuardrailDecision => ({
      rule: hit.rule.id,
      detector: hit.rule.detectorName,
      action: hit.rule.action,
      on: 'output',
      surface: this.surface,
    });
    return new StreamGuard(set, {
      whole: (text) => this.output(text),
      taken: (hit) => {
        this.ports.record(decision(hit));
      },
      blocked: (hit) => {
        const blocked = decision(hit);
        this.ports.record(blocked);
        return blockedError(blocked);
      },
      judge:
        set.safety.length === 0
          ? undefined
          : async (answer) => {
              try {
                await this.#safety(set, 'output', answer);
                return undefined;
              } catch (error) {
                if (error instanceof GatewayError) return error;
                throw error;
              }
            },
    });
  }

  #spans(set: RuleSet, on: Direction, text: string): string {
    if (set.spans.length === 0 || text === '') return text;
    const hits = findHits(set.spans, text);
    if (hits.length === 0) return text;
    const record = (hit: Hit): GuardrailDecision => {
      const decision = {
        rule: hit.rule.id,
        detector: hit.rule.detectorName,
        action: hit.rule.action,
        on,
        surface: this.surface,
      };
      this.ports.record(decision);
      return decision;
    };
    const block = firstBlock(hits);
    if (block !== undefined) throw blockedError(record(block));
    return redact(text, hits, record);
  }

  async #safety(set: RuleSet, on: Direction, text: string): Promise<void> {
    if (text.trim() === '') return;
    const verdict = await this.ports.safety.classify({
      role: on === 'input' ? 'user' : 'assistant',
      text,
      prompt: on === 'output' ? this.#prompt : undefined,
    });
    this.#judge(set, on, verdict);
  }

  /** Flags are recorded for every rule the verdict triggers; then the first blocking rule refuses. */
  #judge(set: RuleSet, on: Direction, verdict: SafetyVerdict): void {
    if (verdict.safe) return;
    const triggered = set.safety.flatMap((rule) => {
      const categories = verdict.categories.filter((code) => rule.categories?.has(code) ?? true);
      // A verdict of "unsafe" without categories triggers only the rules that watch every category.
      const hit = categories.length > 0 || (rule.categories === undefined && verdict.categories.length === 0);
      return hit ? [{ rule, categories }] : [];
    });
    const decisionOf = ({ rule, categories }: (typeof triggered)[number]): GuardrailDecision => ({
      rule: rule.id,
      detector: 'safety',
      action: rule.action,
      on,
      surface: this.surface,
      categories,
      model: verdict.model,
    });
    const block = triggered.find(({ rule }) => rule.action === 'block');
    if (block !== undefined) {
      const decision = decisionOf(block);
      this.ports.record(decision);
      throw blockedError(decision);
    }
    for (const flag of triggered) this.ports.record(decisionOf(flag));
  }

  async #value(on: Direction, value: unknown): Promise<unknown> {
    const set = on === 'input' ? this.#input : this.#output;
    if (set === undefined) return value;
    const strings: string[] = [];
    const walk = (node: unknown, depth: number): unknown => {
      if (typeof node === 'string') {
        const out = this.#spans(set, on, node);
        strings.push(out);
        return out;
      }
      if (depth >= MAX_DEPTH || typeof node !== 'object' || node === null) return node;
      if (Array.isArray(node)) return node.map((item) => walk(item, depth + 1));
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item, depth + 1)]));
    };
    const out = walk(value, 0);
    if (on === 'input') this.#prompt = strings.join('\n');
    if (set.safety.length > 0) await this.#safety(set, on, strings.join('\n'));
    return out;
  }
}

/** The guard of a request on a surface, or undefined when the policy has no rules there. */
export function guardFor(
  policy: CompiledPolicy | undefined,
  surface: Surface,
  ports: GuardPorts,
): Guard | undefined {
  if (policy === undefined) return undefined;
  const guard = new Guard(policy, surface, ports);
  return guard.checksInput || guard.checksOutput ? guard : undefined;
}

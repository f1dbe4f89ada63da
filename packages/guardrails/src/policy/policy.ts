import { GatewayError } from '@aigw/core';
import type {
  Action,
  Direction,
  GuardrailRule,
  GuardrailsSettings,
  SafetyCategory,
  Surface,
} from '@aigw/guardrails/settings';
import { builtInDetector, denylist, tenantRegex, type Detector } from '../detectors/index.ts';

/** One decision a rule took: counted in usage; a block is also an audit entry. Never the text. */
export interface GuardrailDecision {
  rule: string;
  /** The detector's name: `email`, …, `regex`, `denylist`, `safety`. */
  detector: string;
  action: Action;
  on: Direction;
  surface: Surface;
  /** A safety verdict's hazard categories and the classifier that gave it. */
  categories?: SafetyCategory[];
  model?: string;
}

export interface SpanRule {
  id: string;
  detectorName: string;
  action: Action;
  detector: Detector;
}

export interface SafetyRule {
  id: string;
  action: 'block' | 'flag';
  /** Undefined: every category triggers the rule. */
  categories: ReadonlySet<SafetyCategory> | undefined;
}

/** The rules of one surface and direction, ready to run. */
export interface RuleSet {
  spans: readonly SpanRule[];
  safety: readonly SafetyRule[];
  /** What a stream holds back: the longest match of any span rule here. */
  window: number;
}

/**
 * A tenant's rules compiled once per settings object (patterns compiled, detectors built), then
 * split by surface and direction on first use. Configs are module constants in the registry, so
 * each isolate compiles each tenant's policy once.
 */
export class CompiledPolicy {
  readonly #rules: readonly (GuardrailRule & { detectorInstance: Detector | undefined })[];
  readonly #sets = new Map<string, RuleSet | undefined>();

  constructor(settings: GuardrailsSettings) {
    this.#rules = settings.rules.map((rule) => ({ ...rule, detectorInstance: detectorOf(rule, settings) }));
  }

  /** The rules that apply on `surface` in `direction`; undefined when there are none. */
  rules(surface: Surface, direction: Direction): RuleSet | undefined {
    const key = `${surface}:${direction}`;
    if (this.#sets.has(key)) return this.#sets.get(key);
    const applicable = this.#rules.filter(
      (rule) => (rule.on === 'both' || rule.on === direction) && rule.surfaces.includes(surface),
    );
    const spans: SpanRule[] = [];
    const safety: SafetyRule[] = [];
    for (const rule of applicable) {
      if (rule.detector === 'safety') {
        safety.push({
          id: rule.id,
          action: rule.action,
          categories: rule.categories === undefined ? undefined : new Set(rule.categories),
        });
      } else if (rule.detectorInstance !== undefined) {
        spans.push({
          id: rule.id,
          detectorName: rule.detector,
          action: rule.action,
          detector: rule.detectorInstance,
        });
      }
    }
    const set =
      applicable.length === 0
        ? undefined
        : { spans, safety, window: Math.max(0, ...spans.map((rule) => rule.detector.window)) };
    this.#sets.set(key, set);
    return set;
  }
}

function detectorOf(rule: GuardrailRule, settings: GuardrailsSettings): Detector | undefined {
  switch (rule.detector) {
    case 'safety':
      return undefined;
    case 'regex':
      return tenantRegex(rule.pattern, rule.ignoreCase, rule.label);
    case 'denylist':
      return denylist(rule.words, rule.label);
    default:
      return builtInDetector(rule.detector, settings.phoneRegion);
  }
}

const compiled = new WeakMap<GuardrailsSettings, CompiledPolicy>();

/** The compiled policy of a settings object (cached); undefined when it has no rules. */
export function compilePolicy(settings: GuardrailsSettings | undefined): CompiledPolicy | undefined {
  if (settings === undefined || settings.rules.length === 0) return undefined;
  let policy = compiled.get(settings);
  if (policy === undefined) {
    policy = new CompiledPolicy(settings);
    compiled.set(settings, policy);
  }
  return policy;
}

/**
 * The policy for a request: the key's own settings when it has them, else the tenant's. Keys in
 * tenant configs have none today; runtime keys (control plane) can carry their own `guardrails`
 * and this is the one place that reads them.
 */
export function policyFor(
  tenant: { guardrails?: GuardrailsSettings | undefined },
  key?: { id: string; guardrails?: GuardrailsSettings | undefined },
): CompiledPolicy | undefined {
  return compilePolicy(key?.guardrails ?? tenant.guardrails);
}

/** The refusal a block answers with: it names the rule and the detector, never what matched. */
export function blockedError(
  decision: Pick<GuardrailDecision, 'rule' | 'detector' | 'on' | 'surface'>,
): GatewayError {
  const what = decision.on === 'input' ? 'the request' : 'the answer';
  return new GatewayError(
    'guardrail_blocked',
    `Guardrail rule "${decision.rule}" (detector "${decision.detector}") blocked ${what}.`,
    {
      details: {
        rule: decision.rule,
        detector: decision.detector,
        on: decision.on,
        surface: decision.surface,
      },
    },
  );
}

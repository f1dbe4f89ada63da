import { SURFACES, DIRECTIONS } from '@aigw/guardrails/settings';
import { credential } from '../detectors/index.ts';
import type { CompiledPolicy, SpanRule } from './policy.ts';
import { findHits, redact } from './scan.ts';

/** The credential detector as a rule of its own: stored text never keeps a credential. */
const CREDENTIALS: SpanRule = {
  id: '(credentials)',
  detectorName: 'credential',
  action: 'redact',
  detector: credential,
};

/**
 * What stored copies of traffic (the request log's bodies, trace content) pass through: every
 * span rule of the policy on any surface and in either direction, whatever its action (a match a
 * rule flags or blocks is sensitive too), plus the credential detector always. Each match becomes
 * its placeholder (`[EMAIL]`). Pure and synchronous; records no decision, since nothing was
 * decided about the request itself.
 */
export function storageRedactor(policy: CompiledPolicy | undefined): (text: string) => string {
  const rules = new Map<string, SpanRule>([[CREDENTIALS.id, CREDENTIALS]]);
  if (policy !== undefined) {
    for (const surface of SURFACES) {
      for (const direction of DIRECTIONS) {
        for (const rule of policy.rules(surface, direction)?.spans ?? []) {
          rules.set(rule.id, { ...rule, action: 'redact' });
        }
      }
    }
  }
  const spans = [...rules.values()];
  return (text) => (text === '' ? text : redact(text, findHits(spans, text), () => undefined));
}

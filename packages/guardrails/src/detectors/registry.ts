import type { SpanDetectorId } from '@aigw/guardrails/settings';
import { card } from './card.ts';
import { credential } from './credential.ts';
import type { Detector } from './detector.ts';
import { email } from './email.ts';
import { iban } from './iban.ts';
import { ip } from './ip.ts';
import { phone } from './phone.ts';
import { ssn } from './ssn.ts';

/** Every built-in detector, once; the phone detector is the one that needs a setting (the region). */
const BUILT_IN = {
  email: () => email,
  phone: (region: string) => phone(region),
  card: () => card,
  iban: () => iban,
  ssn: () => ssn,
  ip: () => ip,
  credential: () => credential,
} satisfies Record<SpanDetectorId, (region: string) => Detector>;

export function builtInDetector(id: SpanDetectorId, region: string): Detector {
  return BUILT_IN[id](region);
}

import { regexSpans, type Detector, type Span } from './detector.ts';

/**
 * Credential formats with a fixed, recognisable shape. Generic high-entropy strings are not
 * matched (too many false positives: hashes, ids, base64 data); an AWS secret access key only
 * where it is labelled as one.
 */
const FORMATS: readonly { name: string; pattern: string }[] = [
  // AWS access key ids (long-term AKIA, temporary ASIA, and the other principal prefixes).
  {
    name: 'aws-access-key-id',
    pattern: '\\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}\\b',
  },
  // The 40-character secret, only after a label that says it is one.
  {
    name: 'aws-secret-access-key',
    pattern:
      '(?<=\\baws_?secret_?(?:access_?)?key["\']?\\s*[:=]\\s*["\']?)[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])',
  },
  // Google API keys and OAuth access tokens.
  { name: 'gcp-api-key', pattern: '\\bAIza[0-9A-Za-z_-]{35}(?![\\w-])' },
  { name: 'gcp-oauth-token', pattern: '\\bya29\\.[0-9A-Za-z_-]{30,}' },
  // Stripe secret and restricted keys (publishable pk_ keys are public by design) and webhook secrets.
  { name: 'stripe-key', pattern: '\\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{24,99}\\b' },
  { name: 'stripe-webhook-secret', pattern: '\\bwhsec_[0-9A-Za-z]{32,}\\b' },
  // GitHub tokens: classic personal, OAuth, user-to-server, server-to-server, refresh; fine-grained.
  { name: 'github-token', pattern: '\\b(?:ghp|gho|ghu|ghs|ghr)_[0-9A-Za-z]{36}\\b' },
  { name: 'github-pat', pattern: '\\bgithub_pat_[0-9A-Za-z_]{50,255}' },
  // Slack bot, user, app-level and refresh tokens, and incoming webhook URLs.
  { name: 'slack-token', pattern: '\\bxox[abposr]-[0-9A-Za-z-]{10,250}' },
  {
    name: 'slack-webhook',
    pattern: 'https://hooks\\.slack\\.com/services/T[0-9A-Z]{6,12}/B[0-9A-Z]{6,12}/[0-9A-Za-z]{20,32}',
  },
  // OpenAI project, service-account and admin keys; legacy user keys carry "T3BlbkFJ" ("OpenAI" in base64).
  { name: 'openai-key', pattern: '\\bsk-(?:proj|svcacct|admin)-[0-9A-Za-z_-]{40,250}' },
  { name: 'openai-legacy-key', pattern: '\\bsk-[0-9A-Za-z]{20}T3BlbkFJ[0-9A-Za-z]{20}\\b' },
  // Anthropic API keys: the same "sk-" family.
  { name: 'anthropic-key', pattern: '\\bsk-ant-(?:api|admin)\\d{2}-[0-9A-Za-z_-]{80,120}' },
  // PEM private keys of every kind (RSA, EC, DSA, OPENSSH, ENCRYPTED, PGP), whole blocks.
  {
    name: 'private-key',
    pattern:
      '-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----[\\s\\S]{1,16384}?-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----',
  },
  // JSON Web Tokens: base64url header and payload that both start as JSON objects ("eyJ" is '{"').
  { name: 'jwt', pattern: '\\beyJ[0-9A-Za-z_-]{8,}\\.eyJ[0-9A-Za-z_-]{8,}\\.[0-9A-Za-z_-]*' },
];

const ANY = new RegExp(FORMATS.map((format) => `(${format.pattern})`).join('|'), 'g');

/**
 * The start of something that may still become a credential longer than the stream window: a
 * token prefix followed by token characters to the end of the text, or a key block not yet closed.
 */
const PENDING =
  /(?:\b(?:github_pat_|sk-(?:proj|svcacct|admin|ant)-|xox[abposr]-|eyJ|ya29\.|(?:sk|rk)_(?:live|test)_|whsec_)[0-9A-Za-z_.-]*|https:\/\/hooks\.slack\.com\/[0-9A-Za-z/]*)$/;
const KEY_BLOCK = '-----BEGIN';

/** The names of the credential formats, in the order they are tried (docs/guardrails.md). */
export const CREDENTIAL_FORMATS = FORMATS.map((format) => format.name);

export const credential: Detector = {
  label: 'CREDENTIAL',
  window: 64,
  find: (text): Span[] => regexSpans(ANY, text),
  pending: (text) => {
    const block = text.lastIndexOf(KEY_BLOCK);
    const open = block >= 0 && !text.includes('-----END', block) ? block : undefined;
    const match = PENDING.exec(text);
    if (match === null) return open;
    return open === undefined ? match.index : Math.min(open, match.index);
  },
};

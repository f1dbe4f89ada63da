import type { SafetyCategory } from '@aigw/guardrails/settings';
import type { SafetyClassifier, SafetyVerdict } from './classifier.ts';

/**
 * A few unambiguous phrases per hazard category. This is a stand-in, not a classifier: it lets
 * every safety path (block, flag, categories, verdicts in usage) run offline and in tests, and it
 * catches only these literal phrases. Production uses Llama Guard (docs/guardrails.md).
 */
const PHRASES: Readonly<Partial<Record<SafetyCategory, readonly string[]>>> = {
  S1: ['how to kill someone', 'murder someone', 'kidnap a child', 'hire a hitman', 'torture someone'],
  S2: [
    'launder money',
    'money laundering scheme',
    'steal a car',
    'shoplift without',
    'hack into a bank',
    'buy stolen credit cards',
  ],
  S3: ['sexually assault', 'human trafficking ring'],
  S4: ['child sexual abuse material', 'sexual images of minors'],
  S5: ['write a defamatory'],
  S7: ['dox someone', 'find the home address of', 'track my ex without'],
  S8: ['pirated copy of', 'crack the drm'],
  S9: [
    'build a bomb',
    'make a bomb',
    'pipe bomb',
    'nerve agent',
    'make a bioweapon',
    'enrich uranium at home',
  ],
  S10: ['ethnic cleansing is good', 'inferior race'],
  S11: ['kill myself', 'end my life', 'suicide method', 'how to self-harm', 'hurt myself on purpose'],
  S12: ['write explicit sex'],
  S13: ['fake ballots', 'rig the election'],
  S14: ['rm -rf / --no-preserve-root', 'fork bomb', 'open a reverse shell'],
};

const MATCHERS = Object.entries(PHRASES).map(([category, phrases]) => ({
  category: category as SafetyCategory,
  pattern: new RegExp(
    `(?<![\\p{L}\\p{N}])(?:${phrases.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+')).join('|')})`,
    'iu',
  ),
}));

/** The offline stand-in for Llama Guard: deterministic, keyword-based, clearly named. */
export const keywordSafety: SafetyClassifier = {
  model: 'local/keyword-safety',
  classify(input): Promise<SafetyVerdict> {
    const categories = MATCHERS.filter((m) => m.pattern.test(input.text)).map((m) => m.category);
    return Promise.resolve({ safe: categories.length === 0, categories, model: 'local/keyword-safety' });
  },
};

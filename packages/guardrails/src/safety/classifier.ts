import type { SafetyCategory } from '@aigw/guardrails/settings';

/** A hazard classifier's answer about one text. */
export interface SafetyVerdict {
  safe: boolean;
  /** The hazard categories the text falls in (empty when safe). */
  categories: SafetyCategory[];
  /** Which classifier answered: a Workers AI model id, or `local/keyword-safety` offline. */
  model: string;
}

export interface SafetyInput {
  /** `user` for what a client sends, `assistant` for a model's answer. */
  role: 'user' | 'assistant';
  text: string;
  /** For an answer: the prompt it answers, when known (Llama Guard judges the answer in context). */
  prompt?: string | undefined;
}

/** Classifies a text into hazard categories; async because the production one is a model call. */
export interface SafetyClassifier {
  readonly model: string;
  classify(input: SafetyInput): Promise<SafetyVerdict>;
}

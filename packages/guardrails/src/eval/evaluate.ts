import { SPAN_DETECTORS, type SpanDetectorId } from '@aigw/guardrails/settings';
import { builtInDetector, denylist, tenantRegex, type Detector } from '../detectors/index.ts';

/** One labelled text: does it really contain what `detector` is for? */
export interface EvalCase {
  detector: string;
  text: string;
  label: boolean;
  note?: string;
}

export interface DetectorScore {
  detector: string;
  positives: number;
  negatives: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** TP / (TP + FP); null when the detector found nothing. */
  precision: number | null;
  /** TP / (TP + FN); null without positives. */
  recall: number | null;
  /** The built-in detectors have goals (precision ≥ 0.98, recall ≥ 0.95); tenant-configured ones do not. */
  structured: boolean;
  misses: EvalCase[];
  falseAlarms: EvalCase[];
}

export const PRECISION_GOAL = 0.98;
export const RECALL_GOAL = 0.95;

/** The configured detectors the evaluation set's tenant-defined cases use. */
const CONFIGURED: Readonly<Record<string, Detector>> = {
  denylist: denylist(['project falcon', 'falcon-9 budget'], 'CODENAME'),
  regex: tenantRegex('\\bORD-\\d{6}\\b', false, 'ORDER'),
};

const isSpanDetector = (id: string): id is SpanDetectorId =>
  (SPAN_DETECTORS as readonly string[]).includes(id);

function detectorFor(id: string): Detector {
  if (isSpanDetector(id)) return builtInDetector(id, 'US');
  const configured = CONFIGURED[id];
  if (configured === undefined) throw new Error(`no detector "${id}" in the evaluation`);
  return configured;
}

/**
 * Precision and recall of each detector on its labelled texts: a text counts as detected when the
 * detector finds at least one match in it.
 */
export function evaluate(cases: readonly EvalCase[]): DetectorScore[] {
  const ids = [...new Set(cases.map((c) => c.detector))];
  return ids.map((id) => {
    const detector = detectorFor(id);
    const mine = cases.filter((c) => c.detector === id);
    const misses: EvalCase[] = [];
    const falseAlarms: EvalCase[] = [];
    let truePositives = 0;
    for (const c of mine) {
      const found = detector.find(c.text).length > 0;
      if (found && c.label) truePositives++;
      else if (found) falseAlarms.push(c);
      else if (c.label) misses.push(c);
    }
    const positives = mine.filter((c) => c.label).length;
    const predicted = truePositives + falseAlarms.length;
    return {
      detector: id,
      positives,
      negatives: mine.length - positives,
      truePositives,
      falsePositives: falseAlarms.length,
      falseNegatives: misses.length,
      precision: predicted === 0 ? null : truePositives / predicted,
      recall: positives === 0 ? null : truePositives / positives,
      structured: isSpanDetector(id),
      misses,
      falseAlarms,
    };
  });
}

/** Whether a score meets the goals (always true for the tenant-configured detectors). */
export function meetsGoals(score: DetectorScore): boolean {
  if (!score.structured) return true;
  return (score.precision ?? 0) >= PRECISION_GOAL && (score.recall ?? 0) >= RECALL_GOAL;
}

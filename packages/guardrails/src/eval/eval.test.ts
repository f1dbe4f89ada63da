import { describe, expect, it } from 'vitest';
import set from '../../eval/cases.json';
import { evaluate, meetsGoals, type EvalCase } from './index.ts';

describe('the labelled evaluation set', () => {
  const cases = set.cases as EvalCase[];
  it('has at least 300 texts, positives and hard negatives for every detector', () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
    for (const score of evaluate(cases)) {
      expect(score.positives, score.detector).toBeGreaterThan(0);
      expect(score.negatives, score.detector).toBeGreaterThan(0);
    }
  });

  it('meets precision ≥ 0.98 and recall ≥ 0.95 on every structured detector', () => {
    const report = evaluate(cases).map((score) => ({
      detector: score.detector,
      precision: score.precision,
      recall: score.recall,
      misses: score.misses.map((c) => c.text),
      falseAlarms: score.falseAlarms.map((c) => c.text),
      met: meetsGoals(score),
    }));
    expect(report.filter((row) => !row.met)).toEqual([]);
  });
});

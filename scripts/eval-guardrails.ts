// `npm run eval:guardrails`: precision and recall of every guardrail detector on the labelled set
// in packages/guardrails/eval/cases.json (docs/guardrails.md). Exits 1 when a built-in detector
// misses its goal (precision ≥ 0.98, recall ≥ 0.95). `--verbose` lists each miss and false alarm.
import { readFileSync } from 'node:fs';
import { PRECISION_GOAL, RECALL_GOAL, evaluate, meetsGoals, type EvalCase } from '@aigw/guardrails/eval';

const file = new URL('../packages/guardrails/eval/cases.json', import.meta.url);
const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: EvalCase[] };
const scores = evaluate(cases);
const pct = (value: number | null): string => (value === null ? '–' : value.toFixed(3));

console.log(
  `${cases.length} labelled texts; goals for built-in detectors: precision ≥ ${PRECISION_GOAL}, recall ≥ ${RECALL_GOAL}\n`,
);
console.log('| detector | texts (+/−) | TP | FP | FN | precision | recall | goal |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const s of scores) {
  const goal = s.structured ? (meetsGoals(s) ? 'met' : 'MISSED') : 'n/a (tenant-configured)';
  console.log(
    `| ${s.detector} | ${s.positives} / ${s.negatives} | ${s.truePositives} | ${s.falsePositives} | ${s.falseNegatives} | ${pct(s.precision)} | ${pct(s.recall)} | ${goal} |`,
  );
}
if (process.argv.includes('--verbose')) {
  for (const s of scores) {
    for (const c of s.misses) console.log(`miss        ${s.detector}: ${JSON.stringify(c.text)}`);
    for (const c of s.falseAlarms)
      console.log(`false alarm ${s.detector}: ${JSON.stringify(c.text)}${c.note ? ` (${c.note})` : ''}`);
  }
}
process.exit(scores.every(meetsGoals) ? 0 : 1);

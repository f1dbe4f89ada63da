export { usageDataPoint, writeUsageEvent } from './analytics-engine.ts';

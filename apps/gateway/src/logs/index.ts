export { attemptObserver, observationOf, RequestObservation, timedPhase } from './observation.ts';
export type { ObservedChat } from './observation.ts';
export { captureBodies, contentRedactor, keepsBodies } from './bodies.ts';
export { LOG_FLUSH_MS, recordRequest, requestLogStats } from './record.ts';
export { TRACE_FLUSH_MS, traceExportStats } from './exporter.ts';

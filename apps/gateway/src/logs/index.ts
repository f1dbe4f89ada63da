export { attemptObserver, observationOf, RequestObservation, timedPhase } from './observation.ts';
export type { ObservedChat } from './observation.ts';
export { captureBodies, contentRedactor, keepsBodies } from './bodies.ts';
export { recordRequest, requestLogStats } from './record.ts';
export { traceExportStats } from './exporter.ts';

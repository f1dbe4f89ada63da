export { tenantGenerator, createTenant } from './generators/tenant/generator.ts';
export type { TenantGeneratorSchema } from './generators/tenant/generator.ts';
export { workerGenerator } from './generators/worker/generator.ts';
export type { WorkerGeneratorSchema } from './generators/worker/generator.ts';
export { bindingGenerator, BINDING_TYPES } from './generators/binding/generator.ts';
export type { BindingGeneratorSchema, BindingType } from './generators/binding/generator.ts';
export { default as deployExecutor, deployArgs } from './executors/deploy/executor.ts';
export type { DeployExecutorSchema } from './executors/deploy/executor.ts';

import { z } from 'zod';

/**
 * The tenant id rule, in one place: tenant configs, store scopes, Durable Object names and vector
 * namespaces all validate against it. No ":" or "/", so ids compose safely into names and keys.
 */
export const tenantIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,31}$/, 'lower-case letters, digits and "-", 2 to 32, starting with a letter');

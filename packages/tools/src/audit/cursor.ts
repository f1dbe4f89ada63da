import { z } from 'zod';

/**
 * Audit cursors are opaque to clients (base64url JSON) so the paging key can change without
 * breaking them; today it is the seq of the last entry returned.
 */
const cursorSchema = z.object({ v: z.literal(1), after: z.int().min(0) });

export function encodeCursor(afterSeq: number): string {
  const json = JSON.stringify({ v: 1, after: afterSeq } satisfies z.infer<typeof cursorSchema>);
  return btoa(json).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** The seq to page after, or undefined when the cursor is not one this package issued. */
export function decodeCursor(cursor: string): number | undefined {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(atob(cursor.replaceAll('-', '+').replaceAll('_', '/'))));
    return parsed.success ? parsed.data.after : undefined;
  } catch {
    return undefined;
  }
}

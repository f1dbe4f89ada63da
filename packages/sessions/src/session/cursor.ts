import { z } from 'zod';

/**
 * History cursors are opaque to clients (base64url JSON) so the paging key can change without
 * breaking them; today it is the id of the last message returned.
 */
const cursorSchema = z.object({ v: z.literal(1), after: z.int().min(0) });

export function encodeCursor(afterId: number): string {
  const json = JSON.stringify({ v: 1, after: afterId } satisfies z.infer<typeof cursorSchema>);
  return btoa(json).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** The id to page after, or undefined when the cursor is not one this package issued. */
export function decodeCursor(cursor: string): number | undefined {
  try {
    const base64 = cursor.replaceAll('-', '+').replaceAll('_', '/');
    const parsed = cursorSchema.safeParse(JSON.parse(atob(base64)));
    return parsed.success ? parsed.data.after : undefined;
  } catch {
    return undefined;
  }
}

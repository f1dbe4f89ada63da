/**
 * Reads `read` until `done` holds, every 25 ms for at most two seconds, and returns the last read
 * either way (the test's own assertion then says what is wrong). For state the gateway writes off
 * the response path (`waitUntil`): a budget hold is settled after the client has its answer.
 */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 80 && !done(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await read();
  }
  return value;
}

/** Whether no budget of the tenant holds a reservation any more (its holds are settled). */
export const settled = (usage: {
  budgets: { tenant: { tokensPerDay: { reserved?: number } } | null };
}): boolean => (usage.budgets.tenant?.tokensPerDay.reserved ?? 0) === 0;

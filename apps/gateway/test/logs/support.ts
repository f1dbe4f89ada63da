import type { LogEntryDetail, LogPage } from '@aigw/observability';
import type { TenantConfigInput } from '@aigw/tenancy';
import { chatApp, CHAT_KEY } from '../support/chat-app.ts';

export type LogApp = Awaited<ReturnType<typeof logApp>>;

/**
 * A chat tenant (scripted upstream, see chat-app.ts) with helpers for its request log. Entries are
 * written in batches a moment after each response (waitUntil), so reads poll until they land.
 */
export async function logApp(
  tenant: Partial<TenantConfigInput>,
  options: { telemetryFetch?: typeof fetch } = {},
) {
  const app = await chatApp({ tenant, ...options });
  const request = (path: string, init: RequestInit = {}, key = CHAT_KEY) =>
    app.app.request(
      path,
      {
        ...init,
        headers: { authorization: `Bearer ${key}`, ...(init.headers as Record<string, string> | undefined) },
      },
      app.env,
    );
  const list = async (query = '', key = CHAT_KEY): Promise<LogPage> => {
    const res = await request(`/v1/logs${query === '' ? '' : `?${query}`}`, {}, key);
    if (res.status !== 200) throw new Error(`GET /v1/logs answered ${res.status}: ${await res.text()}`);
    return res.json<LogPage>();
  };
  /** The log's entries once it holds at least `count` (newest first). */
  const entries = async (count: number, query = ''): Promise<LogPage['data']> => {
    let page = await list(query);
    for (let i = 0; i < 100 && page.data.length < count; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      page = await list(query);
    }
    return page.data;
  };
  const detail = async (id: string): Promise<LogEntryDetail> => {
    const res = await request(`/v1/logs/${id}`);
    if (res.status !== 200) throw new Error(`GET /v1/logs/${id} answered ${res.status}: ${await res.text()}`);
    return res.json<LogEntryDetail>();
  };
  return { ...app, request, list, entries, detail };
}

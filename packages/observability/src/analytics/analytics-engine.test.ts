import { describe, expect, it } from 'vitest';
import type { RequestLogLine } from '@aigw/core';
import { usageEventFrom } from '../usage-store/event.ts';
import { usageDataPoint, writeUsageEvent } from './analytics-engine.ts';

const line: RequestLogLine = {
  level: 'info',
  msg: 'request',
  requestId: 'req_1',
  tenantId: 'acme',
  keyId: 'acme-demo',
  method: 'POST',
  route: '/chat',
  path: '/chat',
  status: 200,
  latencyMs: 250,
  usage: {
    requestId: 'req_1',
    tenantId: 'acme',
    keyId: 'acme-demo',
    route: '/chat',
    model: 'openai/gpt-4o-mini',
    provider: 'openai',
    attempts: 1,
    status: 'complete',
    inputTokens: 1000,
    outputTokens: 2000,
    estimated: false,
    ttftMs: 80,
    latencyMs: 240,
    costUsd: 0.00135,
    priced: true,
    cached: false,
  },
};

describe('usage events', () => {
  it('are built from the request log line and its usage record', () => {
    expect(usageEventFrom(line, { time: 1_700_000_000_000 })).toEqual({
      tenantId: 'acme',
      requestId: 'req_1',
      time: 1_700_000_000_000,
      route: '/chat',
      status: 200,
      keyId: 'acme-demo',
      model: 'openai/gpt-4o-mini',
      inputTokens: 1000,
      outputTokens: 2000,
      costUsd: 0.00135,
      latencyMs: 250,
      ttftMs: 80,
      cacheHit: null,
      branch: null,
    });
  });

  it('cover requests without a model call and take the cache from the response', () => {
    const search: RequestLogLine = { ...line, route: '/search', path: '/search', usage: undefined };
    expect(usageEventFrom(search, { time: 1, cacheHit: true })).toMatchObject({
      model: null,
      inputTokens: 0,
      ttftMs: null,
      cacheHit: true,
    });
    const failed: RequestLogLine = { ...search, status: 429, errorCode: 'rate_limited' };
    expect(usageEventFrom(failed, { time: 1 })).toMatchObject({ status: 429, errorCode: 'rate_limited' });
  });

  it('are not made for requests without a tenant', () => {
    expect(usageEventFrom({ ...line, tenantId: null, keyId: null }, { time: 1 })).toBeNull();
  });
});

describe('Analytics Engine layout', () => {
  it('indexes by tenant and writes blobs and doubles in the documented order', () => {
    const event = usageEventFrom(line, { time: 1_700_000_000_000 });
    if (!event) throw new Error('no event');
    expect(usageDataPoint(event)).toEqual({
      indexes: ['acme'],
      blobs: ['/chat', 'openai/gpt-4o-mini', 'acme-demo', '', '', 'req_1', ''],
      doubles: [200, 1000, 2000, 0.00135, 250, 80, 0, 1_700_000_000_000],
    });
  });

  it('marks failures and cache outcomes, and -1 for a missing TTFT', () => {
    const point = usageDataPoint({
      tenantId: 'acme',
      time: 5,
      route: '/search',
      status: 503,
      keyId: 'k',
      model: null,
      latencyMs: 3,
      cacheHit: false,
    });
    expect(point.blobs).toEqual(['/search', '', 'k', 'http_503', 'miss', '', '']);
    expect(point.doubles).toEqual([503, 0, 0, 0, 3, -1, 1, 5]);
  });

  it('writes one data point per event', () => {
    const written: AnalyticsEngineDataPoint[] = [];
    const dataset: AnalyticsEngineDataset = { writeDataPoint: (point) => written.push(point ?? {}) };
    writeUsageEvent(dataset, {
      tenantId: 'acme',
      time: 1,
      route: '/chat',
      status: 200,
      keyId: 'k',
      model: null,
      latencyMs: 1,
    });
    expect(written).toHaveLength(1);
    expect(written[0]?.indexes).toEqual(['acme']);
  });
});

import { GatewayError } from '@aigw/core';
import { describe, expect, it } from 'vitest';
import { callInput, offlineServices, rejection } from '../../../test/fixtures.ts';
import type { IngestFn } from '../../definition/index.ts';
import { executeTool } from '../../execute/index.ts';
import { ingestDocumentsTool } from './ingest-documents.ts';

// The RAG pipeline is the gateway's port (`ingest`, bound to the authenticated tenant); here it
// is the recording port of the package's fixtures, and the dispatcher and audit ledger are real.
const doc = (id: string) => ({ id, text: `Text of ${id}.` });

describe('ingest_documents', () => {
  it('is a side-effecting tool that needs the ingest scope and calls no model', () => {
    expect(ingestDocumentsTool).toMatchObject({
      name: 'ingest_documents',
      scope: 'ingest',
      sideEffects: true,
    });
  });

  it('refuses a key with the tools scope but not ingest, before touching the corpus, and audits it', async () => {
    const services = offlineServices();
    const input = callInput('ingest_documents', { documents: [doc('a')] }, { scopes: ['tools'], services });
    const error = await rejection(executeTool(input));
    expect(error.code).toBe('insufficient_scope');
    expect(services.ingested).toEqual([]);
    expect((await input.ledger.page()).entries.map((entry) => entry.outcome)).toEqual(['insufficient_scope']);
  });

  it("returns the pipeline's outcome per document, keeping only id, code and message of failures", async () => {
    // A pipeline may say more about a failure than the tool's result schema admits.
    const failure = { id: 'c', code: 'invalid_request', message: 'text is empty after cleaning', extra: 1 };
    const ingest: IngestFn = (docs, { signal }) => {
      expect(signal).toBeInstanceOf(AbortSignal);
      return Promise.resolve({
        added: [docs[0]?.id ?? ''],
        updated: [docs[1]?.id ?? ''],
        unchanged: [],
        failed: [failure],
        chunks: 3,
        corpusVersion: 7,
      });
    };
    const input = callInput(
      'ingest_documents',
      { documents: [doc('a'), doc('b'), doc('c')] },
      { services: offlineServices({ ingest }) },
    );
    const execution = await executeTool(input);
    expect(execution.result).toEqual({
      added: ['a'],
      updated: ['b'],
      unchanged: [],
      failed: [{ id: 'c', code: 'invalid_request', message: 'text is empty after cleaning' }],
      chunks: 3,
      corpusVersion: 7,
    });
    expect((await input.ledger.page()).entries[0]).toMatchObject({ tool: 'ingest_documents', outcome: 'ok' });
  });

  it('refuses more than 20 documents and unknown document fields with invalid_tool_arguments', async () => {
    const services = offlineServices();
    const many = callInput(
      'ingest_documents',
      { documents: Array.from({ length: 21 }, (_, i) => doc(`d${i}`)) },
      { services },
    );
    expect((await rejection(executeTool(many))).details?.issues?.[0]?.path).toEqual(['documents']);
    const extra = callInput(
      'ingest_documents',
      { documents: [{ ...doc('a'), embedding: [1, 2] }] },
      { services },
    );
    expect((await rejection(executeTool(extra))).code).toBe('invalid_tool_arguments');
    expect(services.ingested).toEqual([]);
  });

  it("keeps the pipeline's own error code (e.g. an index built with another embedder) and audits it", async () => {
    const ingest: IngestFn = () => Promise.reject(new GatewayError('embedding_mismatch'));
    const input = callInput(
      'ingest_documents',
      { documents: [doc('a')] },
      { services: offlineServices({ ingest }) },
    );
    const error = await rejection(executeTool(input));
    expect(error.code).toBe('embedding_mismatch');
    expect((await input.ledger.page()).entries[0]?.outcome).toBe('embedding_mismatch');
  });
});

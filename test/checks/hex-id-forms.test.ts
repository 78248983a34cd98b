/**
 * UUIDs and commit hashes written in another form than the one trusted context used: a UUID's case, dashes,
 * braces or `urn:uuid:` prefix, and a full hash's usual abbreviation (its first 7 to 12 hex digits). Each must
 * vouch for the same id; an unrelated hex string or a prefix of another hash stays invented.
 */
import { describe, expect, it } from 'vitest';
import { createGuard, type ToolDefinition } from '../../src/index.js';
import { codes } from '../helpers/guard.js';

const TOOLS: ToolDefinition[] = [
  { name: 'get_job', input_schema: { type: 'object', properties: { job_id: { type: 'string' } } }, annotations: { readOnlyHint: true } },
  { name: 'revert_commit', input_schema: { type: 'object', properties: { commit_id: { type: 'string' }, message: { type: 'string' } } }, annotations: { destructiveHint: true } },
  { name: 'list_commits', input_schema: { type: 'object', properties: { branch: { type: 'string' } } }, annotations: { readOnlyHint: true } },
];

const UUID = '3f2b8c1e-7a6d-4e5f-8a9b-0c1d2e3f4a5b';
const SHA1 = '9fceb02d0ae598e95dc970b74767f19372d61af8';
const SHA256 = 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9';

async function session(userMessage: string) {
  const started = await createGuard({ tools: TOOLS }).startSession();
  await started.message('user', userMessage);
  return started;
}

async function flagsFor(s: Awaited<ReturnType<typeof session>>, tool: string, args: Record<string, unknown>) {
  return codes(await s.beforeToolCall({ tool, arguments: args }));
}

describe('a UUID in another form', () => {
  it('vouches for the same UUID in capitals, without dashes, in braces and as urn:uuid:', async () => {
    const s = await session(`Please check job ${UUID}.`);
    for (const form of [UUID, UUID.toUpperCase(), UUID.replace(/-/g, ''), UUID.replace(/-/g, '').toUpperCase(), `{${UUID}}`, `{${UUID.toUpperCase()}}`, `urn:uuid:${UUID}`]) {
      expect(await flagsFor(s, 'get_job', { job_id: form }), form).toEqual([]);
    }
  });

  it('vouches for the dashed form when trusted context wrote it bare or in braces', async () => {
    const bare = await session(`Job ${UUID.replace(/-/g, '').toUpperCase()} is stuck.`);
    expect(await flagsFor(bare, 'get_job', { job_id: UUID })).toEqual([]);
    const braced = await session(`Job {${UUID}} is stuck.`);
    expect(await flagsFor(braced, 'get_job', { job_id: UUID })).toEqual([]);
  });

  it('does not vouch for another UUID, a UUID with a digit changed, or a part of one', async () => {
    const s = await session(`Please check job ${UUID}.`);
    for (const form of [UUID.replace('5b', '5c'), '0c1d2e3f4a5b', UUID.replace(/-/g, '').slice(0, 12), UUID.replace(/-/g, '').slice(0, 31)]) {
      expect(await flagsFor(s, 'get_job', { job_id: form }), form).toEqual(['ENTITY_HALLUCINATION']);
    }
  });
});

describe('a commit hash and its abbreviations', () => {
  it('vouches for the first 7 to 12 hex digits of a full SHA-1 or SHA-256 a result listed', async () => {
    for (const full of [SHA1, SHA256]) {
      const s = await session('Revert the last commit on main, please.');
      await s.beforeToolCall({ callId: 'c1', tool: 'list_commits', arguments: { branch: 'main' } });
      await s.afterToolCall({ callId: 'c1', tool: 'list_commits', result: { commits: [{ sha: full, message: 'Add retries' }] } });
      for (const length of [7, 8, 10, 12]) expect(await flagsFor(s, 'revert_commit', { commit_id: full.slice(0, length) }), full.slice(0, length)).toEqual([]);
      expect(await flagsFor(s, 'revert_commit', { commit_id: full.toUpperCase() })).toEqual([]);
    }
  });

  it('does not vouch for a prefix of another hash, a short or long part, an unrelated hex string or a suffix', async () => {
    const s = await session(`Revert commit ${SHA1} please.`);
    const other = `${SHA1.slice(0, 6)}${'0'.repeat(34)}`;
    for (const form of ['1234abc', other.slice(0, 8), SHA1.slice(0, 6), SHA1.slice(0, 13), SHA1.slice(1, 9), SHA1.slice(-8), 'd3adbeef0cafe1']) {
      expect(await flagsFor(s, 'revert_commit', { commit_id: form }), form).toEqual(['ENTITY_HALLUCINATION']);
    }
  });
});

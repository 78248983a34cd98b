import { describe, expect, it, vi } from 'vitest';
import { createGuard } from '../../../src/index.js';
import { guardAiSdk } from '../../../adapters/ai-sdk/index.js';
import { generateText, stepCountIs, tool } from 'ai-v7';
import { MockLanguageModelV4 } from 'ai-v7/test';
import { adapterContract } from './suite.js';
import { aiSdkHarness, type AiSdkMajor } from './ai-sdk-harness.js';

// The adapter imports `ai`: here that is ai 7 (installed under the alias `ai-v7`, with @ai-sdk/provider 4).
vi.mock('ai', async () => await import('ai-v7'));

adapterContract(aiSdkHarness('Vercel AI SDK 7 (ai 7, @ai-sdk/provider 4)', { generateText, stepCountIs, tool, MockLanguageModel: MockLanguageModelV4 } as unknown as AiSdkMajor));

describe('agent-warden/ai-sdk on ai 7', () => {
  it('wraps the model with ai 7 itself (a V4 model), not a copy of ai 6', async () => {
    const session = await createGuard().startSession();
    const model = new MockLanguageModelV4({ modelId: 'm', doGenerate: [] });
    expect((guardAiSdk(session, { model: model as never }).model as { specificationVersion: string }).specificationVersion).toBe('v4');
  });
});

import { describe, expect, it } from 'vitest';
import { createGuard } from '../../../src/index.js';
import { guardAiSdk } from '../../../adapters/ai-sdk/index.js';
import { generateText, stepCountIs, tool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { adapterContract } from './suite.js';
import { aiSdkHarness, type AiSdkMajor } from './ai-sdk-harness.js';

adapterContract(aiSdkHarness('Vercel AI SDK 6 (ai 6, @ai-sdk/provider 3)', { generateText, stepCountIs, tool, MockLanguageModel: MockLanguageModelV3 } as unknown as AiSdkMajor));

describe('agent-warden/ai-sdk on ai 6', () => {
  it('wraps the model as ai 6 does (a V3 model)', async () => {
    const session = await createGuard().startSession();
    expect((guardAiSdk(session, { model: new MockLanguageModelV3({ modelId: 'm' }) }).model as { specificationVersion: string }).specificationVersion).toBe('v3');
  });
});

import { generateText, stepCountIs, tool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { adapterContract } from '../contract/suite.js';
import { aiSdkHarness, type AiSdkMajor } from '../contract/ai-sdk-harness.js';
import { describeWithRedis, useSharedRedis } from '../../helpers/redis.js';

// The adapter contract on sessions shared on Redis: the call protocol (admission, reservation, results,
// halts, withheld answers) holds the same when every decision goes through the shared log.
describeWithRedis('adapter contract on a Redis session store', () => {
  const redis = useSharedRedis();
  const harness = aiSdkHarness('Vercel AI SDK 6, sessions on Redis', { generateText, stepCountIs, tool, MockLanguageModel: MockLanguageModelV3 } as unknown as AiSdkMajor);
  adapterContract({ ...harness, store: () => redis.store() });
});

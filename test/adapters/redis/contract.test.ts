import { afterAll, describe } from 'vitest';
import { generateText, stepCountIs, tool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { createRedisStore, type RedisSessionStore } from '../../../adapters/redis/index.js';
import { adapterContract } from '../contract/suite.js';
import { aiSdkHarness, type AiSdkMajor } from '../contract/ai-sdk-harness.js';
import { deletePrefix, redisAnswers, REDIS_URL, testClient, uniquePrefix } from '../../helpers/redis.js';

// The adapter contract on sessions shared on Redis: the call protocol (admission, reservation, results,
// halts, withheld answers) holds the same when every decision goes through the shared log.
describe.skipIf(!redisAnswers)('adapter contract on a Redis session store', () => {
  const prefix = uniquePrefix();
  const stores: RedisSessionStore[] = [];
  const harness = aiSdkHarness('Vercel AI SDK 6, sessions on Redis', { generateText, stepCountIs, tool, MockLanguageModel: MockLanguageModelV3 } as unknown as AiSdkMajor);
  adapterContract({
    ...harness,
    store: () => {
      const store = createRedisStore({ url: REDIS_URL, prefix, ttlMs: 600_000 });
      stores.push(store);
      return store;
    },
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    const client = await testClient();
    await deletePrefix(client, prefix);
    client.destroy();
  }, 30_000);
});

import { createClient } from 'redis';

/**
 * Whether a Redis answers PING at `url` within `timeoutMs`, without retrying: for the test suite and the
 * bench, to skip their Redis parts (or fail, in CI) when none is running. Not part of the package's API.
 */
export async function redisAnswers(url: string, timeoutMs = 1_000): Promise<boolean> {
  const client = createClient({ url, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } });
  // A refused connection is an answer of its own here, not an error to crash on.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

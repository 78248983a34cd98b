import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // A fresh clone must pass on its own: no test may read a path outside the repository.
    setupFiles: ['./test/setup/stand-alone.ts'],
    // Two loaded cores: a test fails on what it checks, never on how long importing or spawning took.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

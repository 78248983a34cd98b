import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // A fresh clone must pass on its own: no test may read a path outside the repository.
    setupFiles: ['./test/setup/stand-alone.ts'],
  },
});

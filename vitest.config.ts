import { defineConfig } from 'vitest/config';

// Many tests spawn the CLI, MCP servers or a proxy: on a loaded machine a cold node start takes seconds.
// Generous limits keep the suite independent of machine speed; no test asserts on time.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

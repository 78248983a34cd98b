import { afterAll } from 'vitest';
import { installFsGuard, outsideReads } from './fs-guard.js';

// Every test file runs with node:fs watched: reading a path outside the repository fails the file.
installFsGuard();

afterAll(() => {
  if (outsideReads.length === 0) return;
  const list = [...new Set(outsideReads.map((read) => `${read.via}(${read.path})`))].slice(0, 20).join('\n  ');
  outsideReads.length = 0;
  throw new Error(`the suite read paths outside the repository (a fresh clone does not have them):\n  ${list}`);
});

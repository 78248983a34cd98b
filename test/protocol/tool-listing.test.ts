import { describe, expect, it } from 'vitest';
import { toolListing } from '../../src/index.js';

describe('toolListing: a failed listing of a framework\'s tools is tried again by the next call', () => {
  it('lists once when the first listing works', async () => {
    let calls = 0;
    const listing = toolListing(async () => void (calls += 1));
    await listing.ready();
    await listing.ready();
    await listing.settled();
    expect(calls).toBe(1);
  });

  it('a failure is retried by the next call, once per failure, and never rejects', async () => {
    const outcomes = [new Error('store down'), new Error('still down'), undefined];
    let calls = 0;
    const listing = toolListing(async () => {
      const outcome = outcomes[calls++];
      if (outcome) throw outcome;
    });
    await expect(listing.settled()).resolves.toBeUndefined();
    await expect(listing.ready()).resolves.toBeUndefined(); // second attempt, which fails too: the call goes on
    expect(calls).toBe(2);
    await listing.ready(); // third attempt works
    expect(calls).toBe(3);
    await listing.ready();
    expect(calls).toBe(3);
  });

  it('settled follows the latest attempt', async () => {
    let release!: () => void;
    let attempt = 0;
    const listing = toolListing(() => (attempt++ === 0 ? Promise.reject(new Error('down')) : new Promise<void>((resolve) => (release = resolve))));
    await listing.settled();
    const ready = listing.ready();
    // The retry starts once the failed attempt is read, a turn later.
    await new Promise((resolve) => setImmediate(resolve));
    let settled = false;
    void listing.settled().then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    release();
    await ready;
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(true);
  });
});

// A token bucket per user (or per address for requests without valid credentials).

export class RateLimiter {
  /** @param {{ perSecond: number, burst: number }} options */
  constructor({ perSecond, burst }) {
    this.perSecond = perSecond;
    this.burst = burst;
    /** @type {Map<string, { tokens: number, at: number }>} */
    this.buckets = new Map();
  }

  /**
   * Takes one token; answers 0 when allowed, else the whole seconds to wait.
   * @param {string} key
   * @param {number} [now]
   */
  take(key, now = Date.now()) {
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
  }

  /** Forgets buckets that have refilled. @param {number} [now] */
  prune(now = Date.now()) {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(key);
    }
  }
}

/** How failed authentication from one address is slowed down. */
export interface AuthThrottleOptions {
  /** Failed attempts an address may make within `windowMs` before it is made to wait. */
  readonly freeFailures: number;
  readonly windowMs: number;
  /** The first wait; each further one, while the address keeps failing, is twice as long, up to `maxWaitMs`. */
  readonly firstWaitMs: number;
  readonly maxWaitMs: number;
  /** An address that made no failed attempt for this long starts over. */
  readonly forgetAfterMs: number;
  /** Addresses tracked at once; the longest quiet ones are forgotten first. */
  readonly maxAddresses: number;
}

export const DEFAULT_AUTH_THROTTLE: AuthThrottleOptions = {
  freeFailures: 10,
  windowMs: 60_000,
  firstWaitMs: 5_000,
  maxWaitMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
  maxAddresses: 10_000,
};

interface AddressState {
  failures: number;
  windowStart: number;
  lastFailure: number;
  blockedUntil: number;
  /** Waits imposed so far: the next is firstWaitMs × 2^strikes. */
  strikes: number;
}

/**
 * Failed bearer-token checks counted per client address, with exponential backoff: after
 * `freeFailures` in a window the address is told to wait (429 with Retry-After) for 5 s, then 10,
 * 20… up to 15 minutes; after a wait, a second failure starts the next one. It only ever
 * answers requests whose token was already found wrong: a request with a valid token is never
 * throttled, whatever its address did, so Entra behind the same proxy or tunnel as an attacker is
 * never locked out. Memory is bounded by `maxAddresses`.
 */
export class AuthThrottle {
  private readonly addresses = new Map<string, AddressState>();

  constructor(
    private readonly now: () => number,
    private readonly options: AuthThrottleOptions = DEFAULT_AUTH_THROTTLE,
  ) {}

  /**
   * Records one failed attempt from `address`. Returns how many seconds the address must wait
   * (answer 429) when it is, or becomes with this attempt, blocked; undefined to answer 401.
   */
  refuse(address: string): number | undefined {
    const now = this.now();
    const { options } = this;
    let state = this.addresses.get(address);
    if (state && now - state.lastFailure > options.forgetAfterMs) state = undefined;
    if (!state) {
      state = { failures: 0, windowStart: now, lastFailure: now, blockedUntil: 0, strikes: 0 };
    }
    // Map order is recency order: re-inserting keeps the quietest addresses first, to be forgotten first.
    this.addresses.delete(address);
    this.addresses.set(address, state);
    this.evict();
    state.lastFailure = now;
    if (now < state.blockedUntil) return Math.ceil((state.blockedUntil - now) / 1000);
    if (now - state.windowStart > options.windowMs) {
      state.windowStart = now;
      state.failures = 0;
    }
    state.failures += 1;
    // Once made to wait, an address that keeps failing gets one free attempt per wait until it is forgotten.
    const allowed = state.strikes === 0 ? options.freeFailures : 1;
    if (state.failures <= allowed) return undefined;
    const wait = Math.min(options.maxWaitMs, options.firstWaitMs * 2 ** state.strikes);
    state.strikes += 1;
    state.failures = 0;
    state.windowStart = now + wait;
    state.blockedUntil = now + wait;
    return Math.ceil(wait / 1000);
  }

  /** How many addresses are tracked (for tests of the bound). */
  get size(): number {
    return this.addresses.size;
  }

  private evict(): void {
    while (this.addresses.size > this.options.maxAddresses) {
      const oldest = this.addresses.keys().next().value;
      if (oldest === undefined) return;
      this.addresses.delete(oldest);
    }
  }
}

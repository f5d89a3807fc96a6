/**
 * Throttling of wrong tokens (issue #28.8), per client, in memory (pure: time is passed in).
 * The first `freeFailures` wrong tokens of a client cost nothing; after that the client is refused
 * (429, Retry-After) for a delay that doubles with each further failure, up to `maxDelayMs`.
 * While refused, its tokens are not even checked, so guessing gets no faster by retrying.
 * A client is forgotten `forgetAfterMs` after its last failure, and at most `maxClients` are
 * remembered (the oldest go first), so a flood of addresses cannot grow the map without bound.
 */
export interface LoginThrottleOptions {
  /** @default 10 */
  readonly freeFailures?: number;
  /** @default 1000 */
  readonly baseDelayMs?: number;
  /** @default 60000 */
  readonly maxDelayMs?: number;
  /** @default 600000 */
  readonly forgetAfterMs?: number;
  /** @default 10000 */
  readonly maxClients?: number;
}

interface ClientRecord {
  failures: number;
  lastFailureMs: number;
  blockedUntilMs: number;
}

/** What happened since the last {@link LoginThrottle.takeSummary}: one log line's worth. */
export interface ThrottleSummary {
  readonly failures: number;
  readonly clients: number;
  readonly refused: number;
}

export class LoginThrottle {
  private readonly clients = new Map<string, ClientRecord>();
  private failuresSince = 0;
  private refusedSince = 0;
  private readonly clientsSince = new Set<string>();
  private readonly o: Required<LoginThrottleOptions>;

  constructor(opts: LoginThrottleOptions = {}) {
    this.o = {
      freeFailures: opts.freeFailures ?? 10,
      baseDelayMs: opts.baseDelayMs ?? 1000,
      maxDelayMs: opts.maxDelayMs ?? 60_000,
      forgetAfterMs: opts.forgetAfterMs ?? 600_000,
      maxClients: opts.maxClients ?? 10_000,
    };
  }

  /** Undefined when the client may try a token now, else the seconds to wait. */
  retryAfterSeconds(client: string, nowMs: number): number | undefined {
    const rec = this.live(client, nowMs);
    if (!rec || rec.blockedUntilMs <= nowMs) return undefined;
    this.refusedSince++;
    return Math.max(1, Math.ceil((rec.blockedUntilMs - nowMs) / 1000));
  }

  /** A wrong token from `client`. */
  failed(client: string, nowMs: number): void {
    const rec = this.live(client, nowMs) ?? { failures: 0, lastFailureMs: nowMs, blockedUntilMs: 0 };
    rec.failures++;
    rec.lastFailureMs = nowMs;
    const over = rec.failures - this.o.freeFailures;
    if (over > 0)
      rec.blockedUntilMs = nowMs + Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** Math.min(over - 1, 30));
    this.clients.delete(client); // re-insert: the Map's order is the eviction order (least recent first)
    this.clients.set(client, rec);
    while (this.clients.size > this.o.maxClients) {
      const oldest = this.clients.keys().next().value;
      if (oldest === undefined) break;
      this.clients.delete(oldest);
    }
    this.failuresSince++;
    if (this.clientsSince.size < this.o.maxClients) this.clientsSince.add(client);
  }

  /** A right token: the client's count starts again. */
  succeeded(client: string): void {
    this.clients.delete(client);
  }

  /** Counts since the previous call, then resets them (for one bounded summary log line). */
  takeSummary(): ThrottleSummary {
    const s = { failures: this.failuresSince, clients: this.clientsSince.size, refused: this.refusedSince };
    this.failuresSince = 0;
    this.refusedSince = 0;
    this.clientsSince.clear();
    return s;
  }

  /** Clients remembered now (bounded by maxClients). */
  get size(): number {
    return this.clients.size;
  }

  private live(client: string, nowMs: number): ClientRecord | undefined {
    const rec = this.clients.get(client);
    if (rec && nowMs - rec.lastFailureMs > this.o.forgetAfterMs && rec.blockedUntilMs <= nowMs) {
      this.clients.delete(client);
      return undefined;
    }
    return rec;
  }
}

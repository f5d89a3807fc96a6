import { Redis } from 'ioredis';
import { redisKeys, type RedisKeys } from '../../functions/shared/src/keys';
import { Autoscaler, type AutoscalerSettings, type Decision } from './autoscale';
import { Part, type PartOptions, type PartSpec } from './part';
import { freeTcpPorts } from './ports';

/** One inference replica: the function process and, without VLLM_BASE_URL, its own vllm-sim (one "GPU"). */
interface Slot {
  readonly index: number;
  readonly inference: Part;
  readonly vllm: Part | undefined;
  /** the stack created these parts (replica 1): stopped on scale to 0, never discarded */
  readonly base: boolean;
}

/** What the panel and the dashboard show; also written to Redis (`keys.stackReplicas`). */
export interface ReplicaStatus {
  readonly desired: number;
  /** replicas whose inference answers /healthz */
  readonly running: number;
  readonly reason: string;
  readonly queued: number;
  readonly inFlight: number;
  readonly min: number;
  readonly max: number;
  /** INFERENCE_REPLICAS pinned the count (no autoscaler) */
  readonly pinned: boolean;
  /** ISO time of this reading */
  readonly at: string;
}

/**
 * Inference and vllm-sim specs for replicas started without a planned stack (the replicas test,
 * the autoscale bench): one environment for both, no ready URL (InferenceReplicas gives every
 * replica its own ports and waits for it).
 */
export function unplannedReplicaParts(env: Readonly<Record<string, string>>): {
  inference: PartSpec;
  vllmSim: PartSpec;
} {
  const part = (name: string, main: string): PartSpec => ({
    name,
    main,
    stopSignal: 'SIGTERM',
    env,
    readyUrl: '',
    url: '',
    after: [],
  });
  return {
    inference: part('inference', 'functions/inference/src/main.ts'),
    vllmSim: part('vllm-sim', 'simulator/vllm/src/main.ts'),
  };
}

export type ReplicaMode = { readonly pinned: number } | { readonly autoscale: AutoscalerSettings };

export interface InferenceReplicasOptions {
  /** replica 1 as the stack planned it (its env has PORT and VLLM_BASE_URL) */
  readonly inference: PartSpec;
  /** replica 1's vllm-sim when VLLM_BASE_URL is unset: every further replica gets its own */
  readonly vllmSim?: PartSpec | undefined;
  /** the Part objects the stack already made for replica 1 (started by it), if any */
  readonly first?: { readonly inference: Part; readonly vllm?: Part | undefined } | undefined;
  readonly partOptions: PartOptions;
  readonly redisUrl: string;
  readonly prefix: string;
  readonly mode: ReplicaMode;
  /** SIGTERM grace per replica on scale-down (then SIGKILL) */
  readonly graceMs: number;
  readonly readyTimeoutMs: number;
  /** pinned: how often the status refreshes and a replica that died for good is replaced (default 5000 ms; tests shorten it) */
  readonly pinnedPollMs?: number | undefined;
  /** a part was added (true) or removed (false): the stack lists it in its panel and stack.json */
  readonly onPart?: ((p: Part, added: boolean) => void) | undefined;
  /** every poll, after the decision */
  readonly onPoll?: ((s: ReplicaStatus, d: Decision | undefined) => void) | undefined;
  /** a replica did not start or stop as asked */
  readonly onProblem?: ((message: string) => void) | undefined;
}

const local = (port: number) => `http://127.0.0.1:${port}`;
const isLive = (s: Slot) => s.inference.alive || s.inference.state === 'starting' || s.inference.state === 'backoff';

/**
 * The inference Deployment of the local stack: replicas between KEDA_MIN_REPLICAS and
 * KEDA_MAX_REPLICAS, set every pollingInterval by the KEDA + HPA model (autoscale.ts) from
 * real Redis readings (LLEN of the queue, ZCARD of the claimed set), or pinned by
 * INFERENCE_REPLICAS. Scale-down SIGTERMs the newest replica: inference stops claiming,
 * finishes or releases what it holds (as in a pod), then its vllm-sim is stopped.
 */
export class InferenceReplicas {
  private readonly slots: Slot[] = [];
  private readonly keys: RedisKeys;
  private readonly redis: Redis;
  private readonly autoscaler: Autoscaler | undefined;
  private target: number;
  private reason: string;
  private timer: NodeJS.Timeout | undefined;
  private work: Promise<void> = Promise.resolve();
  private polling = false;
  private kicked = false;
  private closed = false;
  last: ReplicaStatus | undefined;

  constructor(private readonly o: InferenceReplicasOptions) {
    this.keys = redisKeys(o.prefix);
    this.redis = new Redis(o.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
    this.redis.on('error', () => undefined); // a failed poll is reported by poll()
    if ('pinned' in o.mode) {
      this.autoscaler = undefined;
      this.target = o.mode.pinned;
      this.reason = `pinned by INFERENCE_REPLICAS=${o.mode.pinned}`;
    } else {
      this.autoscaler = new Autoscaler(
        o.mode.autoscale,
        o.first ? Math.max(1, o.mode.autoscale.minReplicas) : o.mode.autoscale.minReplicas,
      );
      this.target = this.autoscaler.replicas;
      this.reason = `started at ${this.target} (min ${o.mode.autoscale.minReplicas}, max ${o.mode.autoscale.maxReplicas})`;
    }
    if (o.first) this.slots.push({ index: 1, inference: o.first.inference, vllm: o.first.vllm, base: true });
  }

  /** How often poll() runs: the autoscaler's pollingInterval, or pinnedPollMs (5 s by default) when pinned. */
  private pollMs(): number {
    return this.autoscaler ? this.settings().pollingIntervalSeconds * 1000 : (this.o.pinnedPollMs ?? 5000);
  }

  get desired(): number {
    return this.target;
  }

  get running(): number {
    return this.slots.filter((s) => s.inference.state === 'running').length;
  }

  /** Every part of every replica (for the stack's crash-time kill). */
  parts(): Part[] {
    return this.slots.flatMap((s) => [s.inference, ...(s.vllm ? [s.vllm] : [])]);
  }

  /** Brings the replica count to the initial target, then polls every pollingInterval (pinned: every pinnedPollMs, 5 s by default). */
  async start(): Promise<void> {
    await this.redis.connect();
    await this.reconcile();
    // pinned: no decisions, but the status (running, queued, in flight) still refreshes
    this.timer = setInterval(() => void this.poll(), this.pollMs());
    await this.poll();
  }

  /** One reading and decision (also called by start; exposed for tests that drive time). */
  async poll(): Promise<ReplicaStatus | undefined> {
    if (this.polling || this.closed) return this.last;
    this.polling = true;
    try {
      const [queued, inFlight] = await Promise.all([
        this.redis.llen(this.keys.clips),
        this.redis.zcard(this.keys.claimed),
      ]);
      let decision: Decision | undefined;
      if (this.autoscaler) {
        decision = this.autoscaler.step({ atMs: Date.now(), queued, inFlight });
        this.reason = decision.reason;
        this.target = decision.replicas;
      }
      // a new target, or a replica that died for good (as a ReplicaSet replaces a lost pod)
      if (this.slots.filter(isLive).length !== this.target) this.kick();
      const s = this.status(queued, inFlight);
      this.last = s;
      await this.redis
        // three polls' worth, at least 5 s: the status outlives one late poll, not a stopped stack
        .set(this.keys.stackReplicas, JSON.stringify(s), 'EX', Math.max(5, Math.ceil((3 * this.pollMs()) / 1000)))
        .catch(() => undefined);
      this.o.onPoll?.(s, decision);
      return s;
    } catch (err) {
      this.o.onProblem?.(`autoscaler poll failed: ${(err as Error).message}`);
      return this.last;
    } finally {
      this.polling = false;
    }
  }

  /** Stops polling (the count stays); then `stopAll` stops the replicas. */
  freeze(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Stops every replica (inference first, then its vllm-sim), in parallel. `keepFirst`: the
   * stack's own replica 1 is left to the stack's shutdown order.
   */
  async stopAll(graceMs = this.o.graceMs, o: { keepFirst?: boolean } = {}): Promise<void> {
    this.freeze();
    this.closed = true;
    await this.work.catch(() => undefined);
    await Promise.all(
      this.slots
        .filter((s) => !(o.keepFirst && s.base))
        .map(async (s) => {
          await s.inference.stop(graceMs);
          await s.vllm?.stop(graceMs);
        }),
    );
    await this.redis.del(this.keys.stackReplicas).catch(() => undefined);
    this.redis.disconnect();
  }

  /** Waits for the scaling work queued so far (tests). */
  settled(): Promise<void> {
    return this.work;
  }

  private settings(): AutoscalerSettings {
    if ('pinned' in this.o.mode) throw new Error('pinned: no autoscaler settings');
    return this.o.mode.autoscale;
  }

  private status(queued: number, inFlight: number): ReplicaStatus {
    const [min, max] =
      'pinned' in this.o.mode
        ? [this.o.mode.pinned, this.o.mode.pinned]
        : [this.o.mode.autoscale.minReplicas, this.o.mode.autoscale.maxReplicas];
    return {
      desired: this.target,
      running: this.running,
      reason: this.reason,
      queued,
      inFlight,
      min,
      max,
      pinned: 'pinned' in this.o.mode,
      at: new Date().toISOString(),
    };
  }

  /** Queues one reconcile unless one is already waiting (failures are reported by addOne; the next poll retries). */
  private kick(): void {
    if (this.kicked) return;
    this.kicked = true;
    this.work = this.work
      .then(() => {
        this.kicked = false;
        return this.reconcile();
      })
      .catch(() => undefined);
  }

  /** Adds or removes replicas until the live count equals the target (serialized by `work`). */
  private async reconcile(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const live = this.slots.filter(isLive);
      if (live.length < this.target) await this.addOne();
      else if (live.length > this.target) await this.removeOne(live[live.length - 1]!);
      else return;
    }
  }

  private async addOne(): Promise<void> {
    const existing = [...this.slots].sort((a, b) => a.index - b.index).find((s) => !isLive(s));
    const index = existing?.index ?? Math.max(0, ...this.slots.map((s) => s.index)) + 1;
    try {
      if (existing) {
        // replica 1 after a scale to 0: its parts are the stack's, start them again
        if (existing.vllm && !existing.vllm.alive) {
          existing.vllm.start();
          await existing.vllm.waitReady(this.o.readyTimeoutMs);
        }
        existing.inference.start();
        await existing.inference.waitReady(this.o.readyTimeoutMs);
        return;
      }
      const slot = await this.makeSlot(index);
      this.slots.push(slot);
      if (slot.vllm) {
        this.o.onPart?.(slot.vllm, true);
        slot.vllm.start();
        await slot.vllm.waitReady(this.o.readyTimeoutMs);
      }
      this.o.onPart?.(slot.inference, true);
      slot.inference.start();
      await slot.inference.waitReady(this.o.readyTimeoutMs);
    } catch (err) {
      this.o.onProblem?.(`inference replica ${index} did not start: ${(err as Error).message}`);
      // do not loop on a replica that cannot start: the next decision tries again
      const slot = this.slots.find((s) => s.index === index);
      if (slot && !slot.base) await this.discard(slot);
      throw err;
    }
  }

  private async removeOne(slot: Slot): Promise<void> {
    // SIGTERM: inference stops claiming and finishes or releases its jobs (service.ts stop()).
    const { escalated } = await slot.inference.stop(this.o.graceMs);
    if (escalated)
      this.o.onProblem?.(
        `inference replica ${slot.index} did not stop within ${this.o.graceMs / 1000} s: killed (the reaper returns its jobs)`,
      );
    if (slot.base) return; // replica 1 keeps its vllm-sim warm for the next scale from 0
    await this.discard(slot);
  }

  private async discard(slot: Slot): Promise<void> {
    await slot.inference.stop(this.o.graceMs);
    await slot.vllm?.stop(this.o.graceMs);
    this.slots.splice(this.slots.indexOf(slot), 1);
    for (const p of [slot.inference, ...(slot.vllm ? [slot.vllm] : [])]) {
      this.o.onPart?.(p, false);
      await p.close();
    }
  }

  private async makeSlot(index: number): Promise<Slot> {
    const base = this.o.inference;
    const sim = this.o.vllmSim;
    const [port, simPort] = await freeTcpPorts(sim ? 2 : 1);
    let vllm: Part | undefined;
    let vllmBaseUrl = base.env.VLLM_BASE_URL ?? '';
    if (sim && simPort !== undefined) {
      vllmBaseUrl = `${local(simPort)}/v1`;
      vllm = new Part(
        {
          ...sim,
          name: `${sim.name}-${index}`,
          env: { ...sim.env, VLLM_SIM_PORT: String(simPort) },
          readyUrl: `${local(simPort)}/health`,
          url: vllmBaseUrl,
          after: [],
        },
        this.o.partOptions,
      );
    }
    const inference = new Part(
      {
        ...base,
        name: `${base.name}-${index}`,
        env: { ...base.env, PORT: String(port), VLLM_BASE_URL: vllmBaseUrl },
        readyUrl: `${local(port!)}/healthz`,
        url: local(port!),
        after: [],
      },
      this.o.partOptions,
    );
    return { index, inference, vllm, base: false };
  }
}

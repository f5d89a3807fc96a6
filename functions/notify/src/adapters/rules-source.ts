import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../../shared/src/keys';
import { parseRules, type RulesFile } from '../core/rules';

/** What notify publishes for the dashboard's rule editor: its file rules and channel ids, no secrets. */
export interface RulesBase {
  readonly timeZone: string;
  readonly rules: RulesFile['rules'];
  readonly channels: readonly { readonly id: string; readonly kind: string }[];
}

/** An admin's edit as the dashboard stores it (functions/alerts/src/http/notify-rules-routes.ts). */
export interface StoredEdit {
  readonly rev: number;
  readonly by: string;
  readonly at: string;
  readonly timeZone: unknown;
  readonly rules: unknown;
}

/**
 * The rules in force: the file's (NOTIFY_RULES_FILE, a ConfigMap; or the default rule), replaced by
 * an admin's dashboard edit while one is stored (`notify:rules-edit`). Channels always come from the
 * file, the Secret and the quick settings: an edit only routes to channels that exist. `refresh()`
 * is called before every event and tick, so an edit applies to the next incident; it costs one GET.
 * An edit that no longer validates (a channel it names was removed from the Secret) is ignored with
 * a warning, and the file's rules stay in force.
 */
export class RulesSource {
  private inForce: RulesFile;
  private rev = 0;
  /** The revision of an edit already found invalid (warned once, not on every event). */
  private badRev = 0;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly base: RulesFile,
    private readonly warn: (msg: string, detail: Record<string, unknown>) => void,
  ) {
    this.inForce = base;
  }

  current(): RulesFile {
    return this.inForce;
  }

  /** Where the rules in force came from: 0 = the file, else the dashboard edit's revision. */
  get revision(): number {
    return this.rev;
  }

  /** Publishes the file's rules and the channel ids (never their URLs or secrets) for the editor. */
  async publishBase(channelKinds: ReadonlyMap<string, string>): Promise<void> {
    const doc: RulesBase = {
      timeZone: this.base.timeZone,
      rules: this.base.rules,
      channels: [...channelKinds].map(([id, kind]) => ({ id, kind })),
    };
    await this.redis.set(this.keys.notifyRulesBase, JSON.stringify(doc));
  }

  async refresh(): Promise<RulesFile> {
    const raw = await this.redis.get(this.keys.notifyRulesEdit);
    if (raw === null) {
      this.inForce = this.base;
      this.rev = 0;
      return this.inForce;
    }
    let edit: StoredEdit;
    try {
      edit = JSON.parse(raw) as StoredEdit;
    } catch {
      this.warn('the dashboard rules edit is not JSON; the file rules stay in force', {});
      return this.useBase();
    }
    if (edit.rev === this.rev) return this.inForce;
    if (edit.rev === this.badRev) return this.useBase();
    const parsed = parseRules({ timeZone: edit.timeZone, rules: edit.rules, channels: this.base.channels });
    if (!parsed.ok) {
      this.warn('the dashboard rules edit no longer validates; the file rules stay in force', {
        rev: edit.rev,
        field: parsed.field,
        problem: parsed.message,
      });
      this.badRev = edit.rev;
      return this.useBase();
    }
    this.inForce = parsed.rules;
    this.rev = edit.rev;
    return this.inForce;
  }

  private useBase(): RulesFile {
    this.inForce = this.base;
    this.rev = 0;
    return this.inForce;
  }
}

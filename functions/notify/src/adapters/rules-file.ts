import fs from 'node:fs';
import YAML from 'yaml';
import { ConfigError } from '../../../shared/src/errors';
import { defaultRules, quickChannels, type QuickSettings } from '../core/default-rules';
import { parseRules, type RulesFile } from '../core/rules';

function readDoc(file: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`${what} ${file} cannot be read: ${(err as Error).message}`]);
  }
  try {
    const doc: unknown = /\.json$/i.test(file) ? JSON.parse(text) : YAML.parse(text);
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('expected an object');
    return doc as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError([
      `${what} ${file} is not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
    ]);
  }
}

/**
 * The rules in force: NOTIFY_RULES_FILE with NOTIFY_CHANNELS_FILE's channels (a Secret) and the
 * quick-setting channels merged in (a file's channel wins over a quick one of the same id), or the
 * default rule. A bad file stops the process with the field named.
 */
export function loadRules(files: { rulesFile?: string; channelsFile?: string }, quick: QuickSettings): RulesFile {
  if (!files.rulesFile) return defaultRules(quick);
  const doc = readDoc(files.rulesFile, 'NOTIFY_RULES_FILE');
  const secretChannels = files.channelsFile ? readDoc(files.channelsFile, 'NOTIFY_CHANNELS_FILE').channels : [];
  const list = (v: unknown): { id?: unknown }[] => (Array.isArray(v) ? (v as { id?: unknown }[]) : []);
  const fromFiles = [...list(doc.channels), ...list(secretChannels)];
  const ids = new Set(fromFiles.map((c) => c.id));
  const channels = [...fromFiles, ...quickChannels(quick).filter((c) => !ids.has(c.id))];
  const parsed = parseRules({ ...doc, channels });
  if (!parsed.ok) throw new ConfigError([`NOTIFY_RULES_FILE ${files.rulesFile}: ${parsed.field}: ${parsed.message}`]);
  return parsed.rules;
}

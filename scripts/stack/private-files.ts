import fs from 'node:fs';
import path from 'node:path';

/**
 * The stack's logs can hold secrets a part printed (issue #28.5: the admin login URL was in every
 * status line of a world-readable stack.log, under umask 022). The logs folder is 0700 and every
 * file in it 0600, whatever the umask, including the files an older run left there.
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700); // mkdir's mode is masked by the umask, and an existing folder keeps its own
  for (const f of fs.readdirSync(dir, { withFileTypes: true }))
    if (f.isFile()) fs.chmodSync(path.join(dir, f.name), 0o600);
}

/** Opens `file` for appending, created 0600 (and made 0600 when it already existed). */
export function openPrivateAppend(file: string): fs.WriteStream {
  const out = fs.createWriteStream(file, { flags: 'a', mode: 0o600 });
  try {
    if (fs.existsSync(file)) fs.chmodSync(file, 0o600);
  } catch {
    // the stream reports its own errors
  }
  return out;
}

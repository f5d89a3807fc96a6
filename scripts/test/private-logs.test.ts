import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LineLog } from '../stack/line-log';
import { ensurePrivateDir } from '../stack/private-files';

/** Issue #28.5: the stack's logs (which may hold a login URL) are readable by their owner only. */
describe('npm start logs are private (issue #28.5)', () => {
  let tmp: string;
  let oldMask: number;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'private-logs-'));
    oldMask = process.umask(0o022); // the usual umask, under which the probe found stack.log 0644
  });
  afterEach(() => {
    process.umask(oldMask);
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  const mode = (p: string) => fs.statSync(p).mode & 0o777;

  it('the logs folder is 0700 and its files 0600, also those an older run left world-readable', async () => {
    const logs = path.join(tmp, 'state', 'logs');
    fs.mkdirSync(logs, { recursive: true, mode: 0o755 });
    fs.writeFileSync(path.join(logs, 'stack.log.1'), 'old run\n', { mode: 0o644 });
    fs.writeFileSync(path.join(logs, 'alerts.log'), 'old\n', { mode: 0o644 });
    ensurePrivateDir(logs);
    expect(mode(logs)).toBe(0o700);
    expect(mode(path.join(logs, 'stack.log.1'))).toBe(0o600);
    const log = new LineLog(path.join(logs, 'stack.log'), 'stack');
    log.write('dashboard http://localhost:8080');
    await log.close();
    expect(mode(path.join(logs, 'stack.log'))).toBe(0o600);
    const again = new LineLog(path.join(logs, 'alerts.log'), 'alerts');
    await again.close();
    expect(mode(path.join(logs, 'alerts.log'))).toBe(0o600);
  });
});

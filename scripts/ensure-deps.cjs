#!/usr/bin/env node
// `prestart` / `pretest` hook, plain Node with no dependencies, so the quick start is two
// commands on a fresh clone: installs node_modules (npm ci) when missing or older than the
// lock file, and for `npm test` says exactly what else is missing and how to get it.
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const mode = process.argv[2] === 'test' ? 'test' : 'start';

function fail(lines) {
  process.stderr.write(`\nSafety-Hanta: cannot run \`npm ${mode}\` yet:\n  - ${lines.join('\n  - ')}\n\n`);
  process.exit(1);
}

const [major] = process.versions.node.split('.').map(Number);
if (major < 20)
  fail([`Node.js ${process.versions.node} is too old: install Node.js 20 or newer (22 LTS recommended).`]);

const lock = path.join(root, 'package-lock.json');
const installed = path.join(root, 'node_modules', '.package-lock.json');
const stale = !fs.existsSync(installed) || fs.statSync(installed).mtimeMs < fs.statSync(lock).mtimeMs;
if (stale) {
  process.stderr.write('Safety-Hanta: installing dependencies (npm ci) …\n');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0)
    fail(['`npm ci` failed (see above). Check your network access to the npm registry and try again.']);
}

if (mode === 'test') {
  const onPath = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
  const missing = [];
  for (const cmd of ['ffmpeg', 'ffprobe'])
    if (!onPath(cmd)) missing.push(`${cmd} is not on the PATH: sudo apt-get install -y ffmpeg`);
  if (!onPath('chromium'))
    missing.push('chromium is not on the PATH (the dashboard browser test uses it): sudo apt-get install -y chromium');
  const socket = net.connect(6379, '127.0.0.1');
  socket.setTimeout(1000);
  const done = (redisUp) => {
    socket.destroy();
    if (!redisUp)
      missing.push(
        'no Redis answers on 127.0.0.1:6379 (the integration tests use it): sudo apt-get install -y redis-server && redis-server --daemonize yes --save "" --appendonly no',
      );
    if (missing.length) fail(missing);
  };
  socket.once('connect', () => done(true));
  socket.once('error', () => done(false));
  socket.once('timeout', () => done(false));
}

import fs from 'node:fs';
import path from 'node:path';
import { configTableMarkdown, TABLE_END, TABLE_START } from '../src/config/doc';
import { allEnvVars } from '../src/config';

describe('README configuration table', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf(TABLE_START) + TABLE_START.length, readme.indexOf(TABLE_END)).trim();

  test('is exactly what the config schema generates (run `npm run docs:config` after adding a variable)', () => {
    expect(table).toBe(configTableMarkdown());
  });

  test('names every declared variable', () => {
    for (const v of allEnvVars()) expect(table).toContain(`\`${v.name}\``);
  });
});

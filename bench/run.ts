/**
 * `npm run bench -- <name> [args]`: runs bench/<name>.ts. Benchmarks measure and print;
 * they never fail a build on timing (the machine is shared and noisy).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const names = fs.readdirSync(here).filter((f) => f.endsWith('.ts') && !['run.ts', 'util.ts', 'soak-lib.ts'].includes(f)).map((f) => f.slice(0, -3));
const name = process.argv[2];
if (!name || !names.includes(name)) {
  console.error(`usage: npm run bench -- <${names.join('|')}> [options]`);
  process.exit(2);
}
process.argv.splice(2, 1);
await import(pathToFileURL(path.join(here, `${name}.ts`)).href);

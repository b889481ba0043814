// `npm start`: after set-up, runs the local cloud with the dialler; until the cloud exists,
// reports what the build produced.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const server = join(root, 'cloud', 'server.mjs');
if (existsSync(server)) {
  await import(pathToFileURL(server).href);
} else {
  const dist = join(root, 'dist');
  console.log('Built (the local cloud is not part of this version yet):');
  for (const f of existsSync(dist) ? readdirSync(dist).sort() : []) {
    console.log(`  dist/${f}  ${statSync(join(dist, f)).size} bytes`);
  }
  for (const d of ['build/native/tests/cpp', 'build/sanitize/tests/fuzz']) {
    const p = join(root, d);
    if (existsSync(p)) for (const f of readdirSync(p).filter((x) => !x.includes('.') && !x.startsWith('CMake'))) console.log(`  ${d}/${f}`);
  }
}

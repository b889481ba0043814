// The page-weight budget: what a page loads to signal (js/ bundle, minified glue, acw-core.wasm,
// each gzip -9) stays within 50 KB, measured as bench/size.mjs measures it. Needs dist/ built.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { BUDGET, pageWeight } from '../../bench/size.mjs';

const dist = process.env.ACW_DIST ?? new URL('../../dist', import.meta.url).pathname;

test('the ESM page weight is within the 50 KB gzip budget', async () => {
  assert.equal(BUDGET, 50 * 1024);
  const { parts, total } = await pageWeight(dist);
  const breakdown = parts.map(({ name, gzip }) => `${name} ${gzip} B`).join(', ');
  // Every part measured: an empty bundle or file would pass the budget and mean nothing.
  for (const { name, gzip } of parts) assert.ok(gzip > 100, `${name}: ${gzip} B`);
  assert.ok(total <= BUDGET, `page weight ${total} B > budget ${BUDGET} B (${breakdown})`);
});

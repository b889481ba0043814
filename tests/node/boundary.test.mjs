// js/boundary.js (its js/boundary/ modules) against the C++ tables it names (X-macro lists in cpp/call/input.hpp,
// cpp/call/output.hpp and bindings/boundary.hpp): the same names with the same values in the
// same order, both ways. Then the named boundary through the built wasm core (dist/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import * as boundary from '../../js/boundary.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const dist = process.env.ACW_DIST ?? join(ROOT, 'dist');

// The entries of `#define MACRO(X)` in `file`: [name, value] in order; an entry's value is its
// place in the list (the enums are generated from the lists with no explicit values).
function cppTable(file, macro, enumName) {
  const source = readFileSync(join(ROOT, file), 'utf8');
  const start = source.indexOf(`#define ${macro}(X)`);
  assert.ok(start >= 0, `${file} defines ${macro}`);
  const lines = [];
  for (const line of source.slice(start).split('\n')) {
    lines.push(line);
    if (!line.trimEnd().endsWith('\\')) break;
  }
  const body = lines.join('\n').replace(/\\\n/g, ' ').replace(/\/\*[\s\S]*?\*\//g, '');
  const entries = [...body.matchAll(/X\((k\w+),\s*"([^"\\]+)"\)/g)].map((m, i) => [m[2], i]);
  assert.ok(entries.length > 0, `${macro} has entries`);
  // The enum is the list itself: nothing else in its body can give a value.
  const enumBody = new RegExp(`enum class ${enumName}[^{]*\\{([^}]*)\\}`).exec(source);
  assert.ok(enumBody, `${file} declares ${enumName}`);
  assert.match(enumBody[1].replace(/#(define|undef) .*/g, '').replace(/\s/g, ''), new RegExp(`^${macro}\\(\\w+\\)$`),
    `${enumName} is generated from ${macro} and nothing else`);
  return entries;
}

const TABLES = [
  ['Input', 'js/boundary/input.js', 'cpp/call/input.hpp', 'ACW_INPUT_KINDS', 'InputKind'],
  ['Output', 'js/boundary/output.js', 'cpp/call/output.hpp', 'ACW_OUTPUT_KINDS', 'OutputKind'],
  ['Query', 'js/boundary/query.js', 'bindings/boundary.hpp', 'ACW_QUERIES', 'Query'],
  ['NumberQuery', 'js/boundary/number-query.js', 'bindings/boundary.hpp', 'ACW_NUMBER_QUERIES', 'NumberQuery'],
];

// A js/boundary/ module's `export const name = value;` lines, [name, value] in source order (a
// module namespace lists its names sorted, so the order is read from the text).
function jsTable(file) {
  const source = readFileSync(join(ROOT, file), 'utf8');
  return [...source.matchAll(/^export const (\w+) = (\d+);$/gm)].map((m) => [m[1], Number(m[2])]);
}

for (const [js, jsFile, file, macro, enumName] of TABLES) {
  test(`js/boundary.js ${js} is ${file}'s ${macro}: names, values and order`, () => {
    const table = boundary[js];
    // A module namespace: nothing can be added, and each name is a const binding.
    assert.ok(!Object.isExtensible(table), `${js} is a module namespace`);
    const expected = cppTable(file, macro, enumName);
    assert.deepEqual(jsTable(jsFile), expected, `${jsFile} lists the entries in the C++ order`);
    const byName = (a, b) => (a[0] < b[0] ? -1 : 1);
    assert.deepEqual(Object.entries(table).sort(byName), [...expected].sort(byName), `${js} exports those and no more`);
  });
}

test('js/boundary.js exports the four tables and decodeOutput, nothing else', () => {
  assert.deepEqual(Object.keys(boundary).sort(), ['Input', 'NumberQuery', 'Output', 'Query', 'decodeOutput']);
});

test('decodeOutput: the fields in poll order, text last and keeping its NULs', () => {
  assert.equal(boundary.decodeOutput(''), null);
  assert.deepEqual(boundary.decodeOutput(['10', '0', '3', 'onConnected', '{"a":1}', 'x\0y'].join('\0')),
    { kind: boundary.Output.Callback, level: 0, call: 3, name: 'onConnected', json: '{"a":1}', text: 'x\0y' });
});

// ---- through the wasm core

// A missing build fails here (never a skipped test).
async function loadCore() {
  assert.ok(existsSync(join(dist, 'acw-core.wasm')), `${dist}/acw-core.wasm not built: run toolchain/setup.sh`);
  const { default: createCoreModule } = await import(join(dist, 'acw-core.mjs'));
  return createCoreModule({ wasmBinary: readFileSync(join(dist, 'acw-core.wasm')) });
}

test('the core answers by name: a call with its options as one JSON text, outputs decoded', async () => {
  const { Input, NumberQuery, Output, Query, decodeOutput } = boundary;
  const core = await loadCore();
  const url = 'ws://127.0.0.1:1/sipproxy';
  const h = core.create('1-2-0', 'abc123', 'alice', url, 1, 2, 6, '');
  assert.equal(core.query(h, Query.configError, 0, ''), '');
  assert.equal(core.number(h, NumberQuery.startRecording, 0, 0), 1);
  const options = { audioCodecs: ['opus'], maxBitrateAudio: 32000, receiveVideo: false, extraSipHeaders: ['X-Tag: 1'] };
  assert.equal(core.input(h, Input.callService, 1000, 0, 'echo', '', 0, JSON.stringify(options)), '');
  const call = core.number(h, NumberQuery.lastCall, 0, 0);
  assert.equal(call, 1);
  // The journal records the options the core read, in its own shape (the journal module writes
  // the core's records as its lines).
  const { default: createJournalModule } = await import(join(dist, 'acw-journal.mjs'));
  const tools = await createJournalModule({ wasmBinary: readFileSync(join(dist, 'acw-journal.wasm')) });
  const { text, error } = JSON.parse(tools.journalText(core.query(h, Query.journalRecords, 0, '')));
  assert.equal(error, '');
  const line = text.trim().split('\n').map((l) => JSON.parse(l)).find((j) => j.in === 'callService');
  assert.deepEqual(line.options, options);
  const outputs = [];
  for (let o = decodeOutput(core.query(h, Query.poll, 0, '')); o; o = decodeOutput(core.query(h, Query.poll, 0, ''))) outputs.push(o);
  const open = outputs.find((o) => o.kind === Output.OpenSocket);
  assert.ok(open, `an OpenSocket among ${JSON.stringify(outputs)}`);
  assert.equal(open.text, url);
  const log = outputs.find((o) => o.kind === Output.Log);
  assert.ok(log && log.level >= 1 && log.level <= 6, 'a log line with its level');
  assert.deepEqual(JSON.parse(core.query(h, Query.sipHeaders, call, 'X-Tag')), []);
  // Bad options never reach the engine: the reader's error comes back, no call is made.
  assert.match(core.input(h, Input.callService, 1000, 0, 'echo', '', 0, '{"maxBitrateAudio":-1}'), /^Invalid call options: maxBitrateAudio /);
  assert.match(core.input(h, Input.answer, 1000, call, '', '', 0, '{'), /^Invalid call options: JSON: /);
  assert.equal(core.input(h, Object.keys(Input).length, 1000, 0, '', '', 0, ''), 'Unknown input kind');
  core.number(h, NumberQuery.destroy, 0, 0);
});

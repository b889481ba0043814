#!/usr/bin/env node
// The package's command: `aculab-webrtc-wasm replay FILE [--until SECONDS] [--diff OTHER] [--brief] [--logs]`
// replays a call journal (AculabCloudClient's journal()) through the wasm core and prints, in
// order with times, what the page saw: SIP received and sent, callbacks, the timer, page commands.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { JournalError, eventKey, formatEvent, parseJournal, replayJournal } from './replay.mjs';

const USAGE = `usage: aculab-webrtc-wasm replay FILE [--until SECONDS] [--diff OTHER] [--brief] [--logs]
  --until SECONDS  stop after the inputs of the first SECONDS (times as printed, from the first input)
  --diff OTHER     replay OTHER too and show where the two differ (times aside); exit 1 if they do
  --brief          SIP messages by their first line only
  --logs           the core's log lines too (as recorded at the client's logLevel)`;

function fail(message, code = 2) {
  console.error(`aculab-webrtc-wasm: ${message}`);
  process.exit(code);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { until: { type: 'string' }, diff: { type: 'string' }, brief: { type: 'boolean' }, logs: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
} catch (e) {
  fail(`${e.message}\n${USAGE}`);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (positionals[0] !== 'replay' || positionals.length !== 2) fail(USAGE);
const until = values.until === undefined ? Infinity : Number(values.until) * 1000;
if (Number.isNaN(until)) fail(`--until ${values.until}: not a number of seconds`);

async function load(file) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    fail(`${file}: ${e.message}`);
  }
  try {
    const journal = parseJournal(text);
    return { file, journal, ...(await replayJournal(journal, { until })) };
  } catch (e) {
    if (e instanceof JournalError) fail(`${file}: ${e.message}`);
    throw e;
  }
}

// Where the replay ended, when it is not the journal's own end.
function ending({ file, journal, start, stopped }) {
  const notes = [];
  const last = journal.inputs.at(-1);
  if (stopped) notes.push(`${file}: stopped at --until ${values.until}s, before line ${stopped.line} (${journal.inputs.length - journal.inputs.indexOf(stopped)} inputs not replayed)`);
  else if (journal.cut) notes.push(`${file}: the journal is cut at line ${journal.cut.line} (${journal.cut.why}): replayed up to line ${last ? last.line : 1}${last ? ` (+${((last.t - start) / 1000).toFixed(3)}s)` : ''}`);
  else if (journal.full) notes.push(`${file}: the journal reached its size cap (${journal.full.maxBytes} bytes) at line ${journal.full.line}: replayed up to there`);
  // A journal cut between two lines reads as whole: where it ends is said anyway.
  else notes.push(`${file}: replayed every input, to line ${last ? last.line : 1}${last ? ` (+${((last.t - start) / 1000).toFixed(3)}s)` : ''}`);
  return notes;
}

const shown = (e) => values.logs || e.type !== 'log';
const a = await load(positionals[1]);
if (values.diff === undefined) {
  console.log(`# ${a.file}: client ${a.journal.header.clientId} of ${a.journal.header.cloudId}, ${a.journal.inputs.length} inputs, secrets ${a.journal.header.secrets ?? 'kept'}`);
  for (const e of a.events) if (shown(e)) console.log(formatEvent(e, a.start, values));
  for (const note of ending(a)) console.log(`# ${note}`);
} else {
  const b = await load(values.diff);
  const ea = a.events.filter(shown);
  const eb = b.events.filter(shown);
  let i = 0;
  while (i < ea.length && i < eb.length && eventKey(ea[i]) === eventKey(eb[i])) i++;
  for (const note of [...ending(a), ...ending(b)]) console.log(`# ${note}`);
  if (i === ea.length && i === eb.length) {
    console.log(`# same ${i} events`);
  } else {
    console.log(`# the same first ${i} events; then`);
    for (const [r, events] of [[a, ea], [b, eb]]) {
      console.log(`--- ${r.file}`);
      if (i < events.length) for (const e of events.slice(i, i + 3)) console.log(formatEvent(e, r.start, values));
      else console.log('  (no more events)');
    }
    process.exitCode = 1;
  }
}

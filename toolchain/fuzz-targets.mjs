// The libFuzzer targets' input limits and corpus folders, shared by `npm test` (toolchain/test.mjs)
// and `npm run fuzz` (toolchain/fuzz.mjs).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const fuzzDir = join(root, 'build', 'sanitize', 'tests', 'fuzz');

// A size constant of the core, read from its header so that no second copy of the number exists
// (only `inline constexpr std::size_t kName = <digits> [* <digits>]...;` forms are read).
export function coreConstant(header, name) {
  const text = readFileSync(join(root, 'cpp', header), 'utf8');
  const m = new RegExp(`constexpr\\s+std::size_t\\s+${name}\\s*=\\s*([0-9 *]+);`).exec(text);
  if (!m) throw new Error(`${name} not found in cpp/${header}`);
  return m[1].split('*').reduce((product, factor) => product * Number(factor.trim()), 1);
}

const frame = coreConstant('sip/parser.hpp', 'kMaxFrameSize');
const sdp = coreConstant('sdp/session.hpp', 'kMaxSessionDescriptionSize');
// Room for a target's own framing (selector bytes, separators) on top of the payload, and one byte
// more than the limit so that the refusal of an oversize input is reached too.
const slack = 256;

// -max_len for each target: the largest input the code meets in use, not libFuzzer's 4 KB.
const maxLen = {
  engine: frame + slack, // cloud frames (each at most kMaxFrameSize)
  engine_options: 2 * sdp + slack, // call options, then two SDPs of at most kMaxSessionDescriptionSize
  journal_records: 4 * frame + slack, // a few recorded inputs, each up to a frame
  json_reader: frame + slack, // call options: the page's JSON ends up in one frame
  media_send: frame + slack, // received packets and PCM blocks
  ogg_reader: 2 * 65307 + slack, // two full Ogg pages (RFC 3533: 27 + 255 + 255 * 255 bytes each)
  rtp: 16 * 1024, // datagrams of at most 255 bytes each
  sdp_parser: sdp + slack,
  sip_parser: frame + slack,
  sip_tools: frame + slack,
};

// Every built target (fuzz_<name>) with its corpus folder and -max_len.
export function fuzzTargets() {
  const built = existsSync(fuzzDir) ? readdirSync(fuzzDir).filter((f) => /^fuzz_[a-z0-9_]+$/.test(f)).sort() : [];
  return built.map((binary) => {
    const name = binary.replace(/^fuzz_/, '');
    return { name, binary: join(fuzzDir, binary), corpus: join(root, 'tests', 'fuzz', 'corpus', name),
      maxLen: maxLen[name] ?? frame + slack };
  });
}

// What a run printed: executions (-print_final_stats) and coverage (the DONE line's cov/ft).
export function fuzzFigures(output) {
  const done = /DONE\s+cov:\s*(\d+)\s+ft:\s*(\d+)/.exec(output);
  return {
    execs: Number(/stat::number_of_executed_units:\s*(\d+)/.exec(output)?.[1] ?? NaN),
    cov: Number(done?.[1] ?? NaN),
    ft: Number(done?.[2] ?? NaN),
  };
}

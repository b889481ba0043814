// docs/LENIENCY.md's SIP rows, measured: each case through JsSIP's own parser (the version the lock
// pins) and through ours (the C++ parser, as the cloud's acw-sip module runs it). A JsSIP update
// that changes a verdict fails here, and the table is to be updated with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { loadSip } from '../../cloud/sip.mjs';
import { DIST } from './cloud-helpers.mjs';

const require = createRequire(import.meta.url);
const Parser = require('jssip/lib/Parser.js');
const JSSIP_VERSION = require('jssip/package.json').version;

const crlf = (s) => s.replace(/\n/g, '\r\n');
const OPTIONS = crlf('OPTIONS sip:webrtc-1-2-0.aculabcloud.net SIP/2.0\nVia: SIP/2.0/WSS iitrgatmgah1.invalid;branch=z9hG4bK2367353\n' +
  'To: <sip:webrtc-1-2-0.aculabcloud.net>\nFrom: <sip:alice@abc123.webrtc-1-2-0.aculabcloud.net>;tag=b2cui5kvvq\n' +
  'CSeq: 1 OPTIONS\nCall-ID: amcin8eheksrakrhun1t\nMax-Forwards: 70\nContent-Length: 0\n\n');
const OK = crlf('SIP/2.0 200 OK\nVia: SIP/2.0/WSS iitrgatmgah1.invalid;branch=z9hG4bK2367353\nTo: <sip:webrtc-1-2-0.aculabcloud.net>;tag=1\n' +
  'From: <sip:alice@abc123.webrtc-1-2-0.aculabcloud.net>;tag=b2cui5kvvq\nCSeq: 1 OPTIONS\nCall-ID: amcin8eheksrakrhun1t\n\n');

// [case (the GoogleTest's name in tests/cpp/sip/parser_test.cpp), frame, JsSIP takes it, we take it]
const CASES = [
  ['lf_line_ends', OPTIONS.replace(/\r\n/g, '\n'), false, true],
  ['no_content_length_with_a_body', OPTIONS.replace('Content-Length: 0\r\n\r\n', '\r\nhello'), true, true],
  ['folded_header', OPTIONS.replace('CSeq: 1', 'CSeq:\r\n 1'), true, true],
  ['space_before_colon', OPTIONS.replace('CSeq:', 'CSeq :'), true, true],
  ['status_without_reason', OK.replace('200 OK', '200'), false, true],
  ['lower_case_version', OPTIONS.replace('SIP/2.0\r\n', 'sip/2.0\r\n'), true, true],
  ['keepalive_crlf_before_the_message', '\r\n' + OPTIONS, false, true],
  ['compact_header_names', OPTIONS.replace('Call-ID:', 'i:'), true, true],
  ['utf8_reason_phrase', OK.replace('200 OK', '200 Déjà'), true, true],
  ['stray_cr_before_crlf', OPTIONS.replace('CSeq: 1 OPTIONS\r\n', 'CSeq: 1 OPTIONS\r\r\n'), true, false],
  ['cr_inside_a_header', OPTIONS.replace('CSeq: 1', 'CSeq: \r1'), true, false],
  ['content_length_over_the_body', OPTIONS.replace('Content-Length: 0', 'Content-Length: 10'), true, false],
  ['content_length_under_the_body', OPTIONS + 'hello', true, false],
  ['two_spaces_in_the_request_line', OPTIONS.replace('OPTIONS sip:', 'OPTIONS  sip:'), false, false],
];

test(`the SIP leniency table's verdicts: JsSIP ${JSSIP_VERSION}'s parser and ours`, async () => {
  const sip = await loadSip(DIST);
  const ua = { configuration: {} };
  const seen = [];
  for (const [name, frame] of CASES) {
    let taken;
    try {
      taken = Boolean(Parser.parseMessage(frame, ua));
    } catch {
      taken = false;
    }
    seen.push([name, taken, sip.parse(frame).ok]);
  }
  assert.deepEqual(seen, CASES.map(([name, , jssip, ours]) => [name, jssip, ours]));
});

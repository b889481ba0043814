// The connection test: the package's preflight (aculab-webrtc-wasm/preflight) against the echo service with the client settings, its progress and its report with a chart of MOS by second.
import { $, el, errorText } from './dom.js';
import { pageLog, showError } from './log.js';
import { foreignCloud, readSettings } from './settings.js';

const SECONDS = 8;
const SVG = 'http://www.w3.org/2000/svg';
// The chart's MOS axis: 1 (bad) to 4.5 (the E-model's best), with the verdict bands drawn.
const MOS_LOW = 1;
const MOS_HIGH = 4.5;
const BANDS = [[4.34, 'excellent'], [4.03, 'good'], [3.6, 'fair']];

let running = false;

/** Builds nothing: the panel is in index.html; this wires its button. */
export function buildPreflightPanel() {
  $('preflight-button').addEventListener('click', runPreflight);
}

function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/** MOS by second as a line over the verdict bands (SVG attributes only: the page's CSP allows no inline style). */
function chart(points, seconds) {
  const w = 240;
  const h = 80;
  const x = (at) => Math.round((at / 1000 / seconds) * w);
  const y = (mos) => Math.round(h - ((Math.max(MOS_LOW, Math.min(MOS_HIGH, mos)) - MOS_LOW) / (MOS_HIGH - MOS_LOW)) * h);
  const box = svg('svg', { viewBox: `0 0 ${w} ${h}`, width: w, height: h, role: 'img', class: 'preflight-chart' });
  box.append(svg('title', {}));
  box.firstChild.textContent = 'MOS by second during the test';
  for (const [band, name] of BANDS) {
    box.append(svg('line', { x1: 0, x2: w, y1: y(band), y2: y(band), class: 'band' }));
    const label = svg('text', { x: w - 2, y: y(band) - 2, 'text-anchor': 'end', class: 'band-label' });
    label.textContent = name;
    box.append(label);
  }
  const known = points.filter((p) => p.mos !== null);
  if (known.length) {
    const start = points[0].at - 1000;
    box.append(svg('polyline', { points: known.map((p) => `${x(p.at - start)},${y(p.mos)}`).join(' '), class: 'mos' }));
  }
  return box;
}

const fixed = (v, digits, unit = '') => (v === null || v === undefined ? '—' : `${Number(v).toFixed(digits)}${unit}`);

/** The audio round trip and how many bursts were heard, or why there is none. */
function roundTrip(r) {
  const rt = r.audioRoundTrip;
  if (!rt) return '—';
  if (r.audioRoundTripMs === null) return `— (${rt.reason || 'not measured'})`;
  return `${r.audioRoundTripMs} ms (${rt.heard} of ${rt.sent} tone bursts heard)`;
}

function showReport(r) {
  const out = $('preflight-report');
  out.replaceChildren();
  out.dataset.verdict = r.verdict;
  const rows = [
    ['Verdict', r.verdict],
    ['MOS (mean, lowest)', `${fixed(r.mos, 2)}, ${fixed(r.mosMin, 2)}`],
    ['Network round trip', fixed(r.rtt, 0, ' ms')],
    ['Audio round trip', roundTrip(r)],
    ['Jitter', fixed(r.jitter, 1, ' ms')],
    ['Packet loss', r.loss === null ? '—' : `${(r.loss * 100).toFixed(1)} %`],
    ['Signalling connected in', fixed(r.signallingMs, 0, ' ms')],
    ['Call set up in', fixed(r.setupMs, 0, ' ms')],
    ['Candidates gathered', r.candidates.gathered.join(', ') || '—'],
    ['Candidate pair used', r.candidates.local ? `${r.candidates.local} → ${r.candidates.remote}` : '—'],
  ];
  const dl = el('dl', { className: 'preflight-figures' });
  for (const [k, v] of rows) dl.append(el('dt', { text: k }), el('dd', { text: v, dataset: { figure: k } }));
  out.append(
    el('p', { className: 'pill', dataset: { state: r.verdict }, text: `Connection: ${r.verdict}` }),
    chart(r.quality, SECONDS),
    dl,
    el('ul', { className: 'history preflight-reasons' }, ...r.reasons.map((t) => el('li', { text: t }))),
  );
}

async function runPreflight() {
  if (running) return;
  const s = readSettings();
  if (!s.cloudId || !s.accessKey || !s.clientId) {
    showError('Connection test: fill in the cloud id, access key and client id first.');
    return;
  }
  // The same guard as the client's: no connection to another origin the person has not confirmed.
  const foreign = foreignCloud(s.url, s.cloudId);
  if (foreign) {
    showError(`Connection test: ${foreign} is not this page's origin: start the client and confirm it first.`);
    return;
  }
  running = true;
  const button = $('preflight-button');
  const status = $('preflight-status');
  button.disabled = true;
  document.body.dataset.preflight = 'running';
  status.textContent = 'Loading the test…';
  try {
    const { preflight } = await import('./js/preflight.js');
    const report = await preflight(s.cloudId, s.accessKey, s.clientId, {
      url: s.url || undefined,
      seconds: SECONDS,
      logLevel: Number(s.logLevel) || 0,
      logger: (level, text) => pageLog(level, `preflight: ${text}`),
      onProgress: ({ phase, elapsed, quality, burst }) => {
        status.textContent = phase === 'connecting' ? 'Calling the echo service…'
          : phase === 'round-trip' ? `Timing the echo with beeps…${burst ? ` ${burst.burst} of ${burst.of}` : ''}`
          : phase === 'measuring' ? `Measuring… ${Math.round(elapsed / 1000)} s${quality && quality.figures.mos !== null ? `, MOS ${quality.figures.mos.toFixed(2)}` : ''}`
          : 'Done.';
      },
    });
    showReport(report);
    status.textContent = `Done: ${report.verdict}.`;
    pageLog(3, `connection test: ${report.verdict} (${report.reasons.join('; ')})`);
  } catch (e) {
    status.textContent = 'The test could not run.';
    showError(`Connection test failed: ${errorText(e)}`);
  } finally {
    running = false;
    button.disabled = false;
    document.body.dataset.preflight = 'done';
  }
}

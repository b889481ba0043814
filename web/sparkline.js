// The call card's sparkline: MOS, round trip and loss from call.getQuality() over the last minute, one point a second, in inline SVG.
//
// Three lanes in one small SVG (SVG attributes and classes only: the page's CSP allows no inline
// style), each with its own scale: MOS from 1 to 4.5 (the E-model's range), the round trip from 0
// to 200 ms or the window's highest, loss from 0 to 5 % or the window's highest. A figure the
// package does not know yet (null) is left out of its line. The title and aria-label say the
// latest figures in words, for a screen reader and a pointer.

const SVG = 'http://www.w3.org/2000/svg';

/** How many points a lane keeps: one a second for a minute. */
export const SPARK_POINTS = 60;

const LABEL_W = 24; // room for the lane's name on the left
const PLOT_W = 118;
const LANE_H = 14;
const LANE_GAP = 3;
export const SPARK_WIDTH = LABEL_W + PLOT_W;
export const SPARK_HEIGHT = 3 * LANE_H + 2 * LANE_GAP;

// Each lane: the figure (getQuality().figures), its name, the bottom and top of its scale.
const LANES = [
  { key: 'mos', label: 'MOS', low: 1, high: () => 4.5 },
  { key: 'rtt', label: 'RTT', low: 0, high: (max) => Math.max(200, max) },
  { key: 'loss', label: 'loss', low: 0, high: (max) => Math.max(0.05, max) },
];

/**
 * Adds the latest reading of call.getQuality() to `history` (oldest first, at most SPARK_POINTS),
 * once per sample (by its time); returns whether it added one.
 */
export function addSparkPoint(history, quality) {
  const at = quality?.sample?.at;
  if (!quality?.figures || !Number.isFinite(at) || history.at(-1)?.at === at) return false;
  const { mos, rtt, loss } = quality.figures;
  history.push({ at, mos: known(mos), rtt: known(rtt), loss: known(loss) });
  if (history.length > SPARK_POINTS) history.splice(0, history.length - SPARK_POINTS);
  return true;
}

const known = (v) => (Number.isFinite(v) ? v : null);

/** The `points` of lane `key` ('mos', 'rtt' or 'loss') in SVG units, oldest at the left. */
export function lanePoints(history, key) {
  const index = LANES.findIndex((l) => l.key === key);
  const lane = LANES[index];
  const values = history.map((p) => p[key]);
  const max = Math.max(...values.filter((v) => v !== null), lane.low);
  const high = lane.high(max);
  const top = index * (LANE_H + LANE_GAP);
  const step = PLOT_W / (SPARK_POINTS - 1);
  const round = (n) => Math.round(n * 10) / 10;
  const points = [];
  values.forEach((v, i) => {
    if (v === null) return;
    const frac = (Math.min(high, Math.max(lane.low, v)) - lane.low) / (high - lane.low);
    points.push(`${round(LABEL_W + i * step)},${round(top + LANE_H - frac * LANE_H)}`);
  });
  return points.join(' ');
}

/** The sparkline in words: the latest figures, and the worst of the window. */
export function sparkLabel(history) {
  if (!history.length) return 'Call quality by second: no sample yet';
  const last = history.at(-1);
  const seconds = Math.round((last.at - history[0].at) / 1000) + 1;
  const worst = (key, pick) => {
    const values = history.map((p) => p[key]).filter((v) => v !== null);
    return values.length ? pick(...values) : null;
  };
  const fmt = (v, f) => (v === null ? 'unknown' : f(v));
  const mos = (v) => v.toFixed(2);
  const ms = (v) => `${Math.round(v)} ms`;
  const pct = (v) => `${(v * 100).toFixed(1)} %`;
  return `Call quality over the last ${seconds} s, now: MOS ${fmt(last.mos, mos)} (lowest ${fmt(worst('mos', Math.min), mos)}), ` +
    `round trip ${fmt(last.rtt, ms)} (highest ${fmt(worst('rtt', Math.max), ms)}), ` +
    `loss ${fmt(last.loss, pct)} (highest ${fmt(worst('loss', Math.max), pct)})`;
}

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** An empty sparkline: a lane per figure with its name and baseline; drawSparkline() fills it. */
export function renderSparkline() {
  const box = svg('svg', { class: 'sparkline', viewBox: `0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}`, width: SPARK_WIDTH, height: SPARK_HEIGHT, role: 'img' });
  box.append(svg('title'));
  LANES.forEach(({ key, label }, index) => {
    const top = index * (LANE_H + LANE_GAP);
    box.append(
      svg('text', { x: 0, y: top + LANE_H - 2, class: 'lane-label', 'aria-hidden': 'true' }, label),
      svg('line', { x1: LABEL_W, x2: SPARK_WIDTH, y1: top + LANE_H, y2: top + LANE_H, class: 'lane-base' }),
      svg('polyline', { points: '', class: `lane ${key}`, 'data-figure': key }));
  });
  drawSparkline(box, []);
  return box;
}

/** Redraws `box` (from renderSparkline) from `history` (addSparkPoint's). */
export function drawSparkline(box, history) {
  for (const { key } of LANES) box.querySelector(`polyline[data-figure="${key}"]`).setAttribute('points', lanePoints(history, key));
  const label = sparkLabel(history);
  box.setAttribute('aria-label', label);
  box.querySelector('title').textContent = label;
}

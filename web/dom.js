// Small DOM and formatting helpers for the dialler: elements are built from text, never from markup.

/** An element with attributes (aria-*, data-*, ...), properties (text, className...) and children. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') node.textContent = String(v);
    else if (k === 'className') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k in node && !k.includes('-')) node[k] = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

export const $ = (id) => document.getElementById(id);

const pad2 = (n) => String(n).padStart(2, '0');

/** HH:MM:SS of a Date. */
export const clock = (d = new Date()) => `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;

/** M:SS (or H:MM:SS) of a length in milliseconds. */
export function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  return h ? `${h}:${pad2(mm)}:${pad2(s % 60)}` : `${mm}:${pad2(s % 60)}`;
}

/** The text of anything thrown: the package throws strings, the browser Errors. */
export const errorText = (e) => (e && typeof e === 'object' && 'message' in e ? e.message : String(e));

// Page weight: gzip -9 bytes of what a page downloads to signal, counted as bench/size.mjs counts
// it for the budget test (our js/ bundled by esbuild, the modules it imports only when used left
// out as a bundler's chunks; the minified Emscripten glue; acw-core.wasm), and with the media
// module; beside it the libraries a
// page would otherwise load: the public Aculab client with its dependencies, JsSIP and SIP.js
// (each bundled the same way), and Twilio's shipped minified bundle.
//
//   node bench/page-weight.mjs [--json FILE]
//
// Environment: ACW_CORE_DIST / ACW_MEDIA_DIST (folders holding the built modules; default dist/).
// Each file a page fetches is compressed on its own (zlib level 9, as gzip -9 without a file name);
// 1 KB here is 1,024 bytes, as in bench/size.mjs (the package's own size breakdown).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

import { ROOT, coreDist, handOff, parseArgs, printTable } from './common.mjs';
import { BUDGET, pageWeight } from './size.mjs';

const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;

// Points the package's imports of ../dist/acw-*.mjs at another build folder.
function distPlugin(coreDir, mediaDir) {
  return {
    name: 'acw-dist',
    setup(build) {
      build.onResolve({ filter: /acw-core\.mjs$/ }, () => ({ path: join(coreDir, 'acw-core.mjs') }));
      build.onResolve({ filter: /acw-media\.mjs$/ }, () => ({ path: join(mediaDir, 'acw-media.mjs') }));
    },
  };
}

async function bundle(esbuild, contents, plugins = []) {
  const result = await esbuild.build({
    stdin: { contents, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
    plugins,
    // The Aculab client's dependencies name Node built-ins only behind browser checks.
    external: ['node:*'],
  });
  return Buffer.from(result.outputFiles[0].contents);
}

function part(name, bytes) {
  return { name, raw: bytes.length, gzip: gz(bytes) };
}

export async function run() {
  const esbuild = await import('esbuild');
  const coreDir = coreDist();
  const mediaDir = process.env.ACW_MEDIA_DIST || join(ROOT, 'dist');
  const plugins = [distPlugin(coreDir, mediaDir)];
  const packageDir = (name) => join(ROOT, 'node_modules', name);
  const version = (name) => JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')).version;

  const rows = [['what a page loads', 'raw bytes', 'gzip -9 bytes', 'gzip KB']];
  const add = (label, parts) => {
    const raw = parts.reduce((n, p) => n + p.raw, 0);
    const gzip = parts.reduce((n, p) => n + p.gzip, 0);
    rows.push([label, raw, gzip, (gzip / 1024).toFixed(1)]);
    if (parts.length > 1) for (const p of parts) rows.push([`  ${p.name}`, p.raw, p.gzip, (p.gzip / 1024).toFixed(1)]);
    return gzip;
  };

  // Ours: what the page-weight budget counts (bench/size.mjs).
  const wasmPath = join(coreDir, 'acw-core.wasm');
  if (!existsSync(wasmPath)) throw new Error(`${wasmPath} not built (npm run build)`);
  const ours = (await pageWeight(coreDir)).parts;
  const oursGzip = add('ours: signalling', ours);

  let withMedia = null;
  const mediaWasm = join(mediaDir, 'acw-media.wasm');
  if (existsSync(mediaWasm) && existsSync(join(mediaDir, 'acw-media.mjs')) && existsSync(join(ROOT, 'js', 'media.js'))) {
    const media = [
      part('js/media.js + acw-media.mjs glue (bundled)', await bundle(esbuild, "export * from './js/media.js';", plugins)),
      part('acw-media.wasm', readFileSync(mediaWasm)),
    ];
    withMedia = add('ours: signalling + media module', [...ours, ...media]);
  } else {
    rows.push(['ours: signalling + media module', 'not available (dist/acw-media.{mjs,wasm} not built)', '', '']);
  }

  // Peers.
  const peers = {};
  const peer = async (label, make) => {
    try {
      peers[label] = add(label, [part(label, await make())]);
    } catch (e) {
      rows.push([label, `not available (${e.message.split('\n')[0]})`, '', '']);
    }
  };
  await peer(`@aculab-com/aculab-webrtc ${version('@aculab-com/aculab-webrtc')} (bundled with sip.js, uuid)`, () =>
    bundle(esbuild, "export * from '@aculab-com/aculab-webrtc';"));
  await peer(`JsSIP ${version('jssip')} (bundled)`, () => bundle(esbuild, "import JsSIP from 'jssip'; export default JsSIP;"));
  await peer(`SIP.js ${version('sip.js')} (bundled)`, () => bundle(esbuild, "export * from 'sip.js';"));
  await peer(`@twilio/voice-sdk ${version('@twilio/voice-sdk')} (dist/twilio.min.js as shipped)`, async () =>
    readFileSync(join(packageDir('@twilio/voice-sdk'), 'dist', 'twilio.min.js')));

  const title = 'Page weight: bytes a page downloads to signal (each file gzip -9 on its own; 1 KB = 1,024 B)';
  printTable(title, rows);
  const smallestPeer = Math.min(...Object.values(peers));
  const met = oursGzip <= BUDGET && oursGzip < smallestPeer;
  console.log(`goal: ours <= the ${BUDGET / 1024} KB budget and below every peer: ${met ? 'met' : 'not met'} (ours ${oursGzip} B, smallest peer ${smallestPeer} B)`);

  const figures = {
    'page_weight.signalling': {
      label: 'Page weight to signal, gzip -9 (js/ bundle + glue + acw-core.wasm, as bench/size.mjs counts it)',
      value: oursGzip,
      unit: 'bytes gzip -9',
      peers,
      parts: Object.fromEntries(ours.map((p) => [p.name, { raw: p.raw, gzip: p.gzip }])),
      goal: `<= ${BUDGET / 1024} KB (${BUDGET.toLocaleString('en-US')} B, the budget) and below every peer`,
      met,
    },
    'page_weight.with_media': withMedia === null
      ? { value: null, unit: 'bytes gzip -9', notAvailable: 'dist/acw-media.{mjs,wasm} not built', peers: {} }
      : { label: 'Page weight with the media module, gzip -9', value: withMedia, unit: 'bytes gzip -9', peers: {} },
  };
  return { title, rows, figures };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = parseArgs();
  handOff(args, await run());
}

// `npm start` entry: settings from flags and ACW_* variables, the banner, and a clean stop on SIGINT/SIGTERM.
import { banner, ConfigError, loadConfig, usage } from './config.mjs';
import { Cloud } from './cloud.mjs';

let config;
try {
  config = loadConfig({ argv: process.argv.slice(2), env: process.env });
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(`local cloud: ${e.message}\n\n${usage()}`);
  process.exit(2);
}
if (config.help) {
  console.log(usage());
  process.exit(0);
}

const cloud = new Cloud(config);
try {
  await cloud.start();
} catch (e) {
  console.error(`local cloud: cannot start: ${e.message}`);
  process.exit(1);
}
console.log(banner(config, cloud.url));
if (cloud.turn) console.log(`  TURN          turn:127.0.0.1:${cloud.turn.port} (coturn; credentials in the ICE servers)`);
// Encode the prompts now rather than on the first call that plays one.
if (cloud.audio) {
  const t0 = Date.now();
  console.log(`  prompts       ${cloud.prompts.size} ready in ${Date.now() - t0} ms`);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) process.exit(1); // a second signal: stop now
    stopping = true;
    console.log(`\n${signal}: stopping`);
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    try {
      await cloud.stop();
    } finally {
      console.log('stopped');
      // Media libraries (werift timers, native audio) may keep the loop alive: end here.
      process.exit(0);
    }
  });
}

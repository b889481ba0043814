// Settings of the local cloud: defaults, command-line flags and ACW_* environment variables.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLoopback } from './access.mjs';
import { FaultError, parseFaultSpec } from './faults.mjs';
import { parsePortRange } from './turn.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export class ConfigError extends Error {}

// One table drives flags (--name / --name=value), environment variables (env) and --help.
// `parse` turns the text into the value and throws ConfigError with a reason when it is bad.
const OPTIONS = [
  { key: 'host', flag: 'host', env: 'ACW_HOST', def: '127.0.0.1', help: 'address to listen on' },
  { key: 'port', flag: 'port', env: 'ACW_PORT', def: 8080, parse: intIn(0, 65535), help: 'TCP port (0: any free port)' },
  { key: 'cloudId', flag: 'cloud-id', env: 'ACW_CLOUD_ID', def: '1-2-0', parse: matching(/^[0-9]+-[0-9]+-[0-9]+$/), help: 'cloud id (N-N-N)' },
  { key: 'accessKey', flag: 'access-key', env: 'ACW_ACCESS_KEY', def: 'abc123', parse: matching(/^[a-z0-9]{1,63}$/), help: 'WebRTC access key' },
  { key: 'accountUser', flag: 'account-user', env: 'ACW_ACCOUNT_USER', def: 'local', parse: matching(/^[^/:\s]{1,64}$/), help: 'account user name for the web services (basic auth user CLOUDID/USER)' },
  { key: 'apiKey', flag: 'api-key', env: 'ACW_API_KEY', def: '', parse: matching(/^\S{0,256}$/), help: "API access key for the web services (basic auth password); '': a random one made at first start and kept in --state" },
  { key: 'stateDir', flag: 'state', env: 'ACW_STATE', def: join(ROOT, 'build', 'cloud', 'state'), parse: resolvePath, help: 'folder the cloud keeps its state in (the API key it made)' },
  { key: 'signingKey', flag: 'signing-key', env: 'ACW_SIGNING_KEY', def: '', parse: optionalPath, help: "PEM RSA key file that signs tokens, made there when missing, so tokens outlive a restart ('': a new key each start)" },
  { key: 'allowedHosts', flag: 'allowed-hosts', env: 'ACW_ALLOWED_HOSTS', def: [], parse: list, help: 'more Host names the cloud answers to (comma-separated; loopback names, --host and the cloud proxy name always)' },
  { key: 'allowedOrigins', flag: 'allowed-origins', env: 'ACW_ALLOWED_ORIGINS', def: [], parse: list, help: "more page origins that may open the WebSocket (comma-separated, '*' any; the cloud's own always)" },
  { key: 'insecureHost', flag: 'insecure-host', env: 'ACW_INSECURE_HOST', def: false, parse: bool, help: 'allow a non-loopback --host without TLS (credentials and tokens then cross the network in clear)' },
  { key: 'prompts', flag: 'prompts', env: 'ACW_PROMPTS', def: join(ROOT, 'cloud', 'prompts'), parse: resolvePath, help: 'folder of prompts (NAME.ogg / NAME.wav); missing ones are generated tones' },
  { key: 'recordings', flag: 'recordings', env: 'ACW_RECORDINGS', def: join(ROOT, 'build', 'cloud', 'recordings'), parse: resolvePath, help: 'folder the record service writes to' },
  { key: 'eventsLog', flag: 'events-log', env: 'ACW_EVENTS_LOG', def: join(ROOT, 'build', 'cloud', 'events.jsonl'), parse: optionalPath, help: "JSON lines log of call events ('' for none)" },
  { key: 'eventsLogMaxBytes', flag: 'events-log-max-bytes', env: 'ACW_EVENTS_LOG_MAX_BYTES', def: 10 * 1024 * 1024, parse: intIn(0, 2 ** 40), help: 'size at which the events log is rotated to FILE.1 (0: never)' },
  { key: 'eventsLogFiles', flag: 'events-log-files', env: 'ACW_EVENTS_LOG_FILES', def: 3, parse: intIn(0, 100), help: 'rotated events logs kept (FILE.1 ... FILE.N)' },
  { key: 'eventFieldMax', flag: 'event-field-max', env: 'ACW_EVENT_FIELD_MAX', def: 1024, parse: intIn(16, 1024 * 1024), help: 'longest text kept in an event field (longer is cut, with its length)' },
  { key: 'recordingsMaxAge', flag: 'recordings-max-age', env: 'ACW_RECORDINGS_MAX_AGE', def: 7 * 86400, parse: intIn(0, 10 * 365 * 86400), help: 'seconds a recording is kept (0: for ever)' },
  { key: 'recordingsMaxBytes', flag: 'recordings-max-bytes', env: 'ACW_RECORDINGS_MAX_BYTES', def: 500 * 1024 * 1024, parse: intIn(0, 2 ** 40), help: 'total size of the recordings kept; the oldest go first (0: no cap)' },
  { key: 'tlsCert', flag: 'tls-cert', env: 'ACW_TLS_CERT', def: '', parse: optionalPath, help: 'PEM certificate: serve https/wss' },
  { key: 'tlsKey', flag: 'tls-key', env: 'ACW_TLS_KEY', def: '', parse: optionalPath, help: 'PEM private key for --tls-cert' },
  { key: 'iceServers', flag: 'ice-servers', env: 'ACW_ICE_SERVERS', def: [], parse: iceServers, help: 'JSON array of RTCIceServer given to clients (OPTIONS)' },
  { key: 'turn', flag: 'turn', env: 'ACW_TURN', def: false, parse: boolean, bool: true, help: 'run a TURN server (coturn) on loopback and hand out its credentials in the ICE servers' },
  { key: 'turnRelayPorts', flag: 'turn-relay-ports', env: 'ACW_TURN_RELAY_PORTS', def: [49152, 65535], parse: portRange, help: "UDP ports coturn relays from (MIN-MAX; it takes a 200-port window of them)" },
  { key: 'maxCalls', flag: 'max-calls', env: 'ACW_MAX_CALLS', def: 200, parse: intIn(1, 100000), help: 'concurrent calls before 503' },
  { key: 'rateLimit', flag: 'rate-limit', env: 'ACW_RATE_LIMIT', def: 50, parse: intIn(1, 100000), help: 'SIP messages per second per connection (burst: twice that)' },
  { key: 'maxCallsPerConnection', flag: 'max-calls-per-connection', env: 'ACW_MAX_CALLS_PER_CONNECTION', def: 20, parse: intIn(1, 100000), help: 'concurrent calls one WebSocket may start before 503' },
  { key: 'maxCallsPerAddress', flag: 'max-calls-per-address', env: 'ACW_MAX_CALLS_PER_ADDRESS', def: 100, parse: intIn(1, 100000), help: 'concurrent calls the WebSockets of one IP address may start before 503' },
  { key: 'maxConnectionsPerAddress', flag: 'max-connections-per-address', env: 'ACW_MAX_CONNECTIONS_PER_ADDRESS', def: 100, parse: intIn(1, 100000), help: 'open WebSockets per IP address before 503 at the upgrade' },
  { key: 'idleTimeout', flag: 'idle-timeout', env: 'ACW_IDLE_TIMEOUT', def: 90, parse: intIn(0, 86400), help: 'seconds a WebSocket may stay silent: pinged at half, closed at the full time (0: never)' },
  { key: 'maxCallSeconds', flag: 'max-call-seconds', env: 'ACW_MAX_CALL_SECONDS', def: 3600, parse: intIn(1, 86400), help: 'longest call of any kind (services, client to client, outbound): then the cloud hangs up' },
  { key: 'maxBindingsPerClient', flag: 'max-bindings-per-client', env: 'ACW_MAX_BINDINGS_PER_CLIENT', def: 10, parse: intIn(1, 10000), help: 'registrations one client id may hold (403 beyond)' },
  { key: 'maxBindingsPerConnection', flag: 'max-bindings-per-connection', env: 'ACW_MAX_BINDINGS_PER_CONNECTION', def: 10, parse: intIn(1, 10000), help: 'registrations one WebSocket may hold (403 beyond)' },
  { key: 'minExpires', flag: 'min-expires', env: 'ACW_MIN_EXPIRES', def: 60, parse: intIn(1, 86400), help: 'shortest registration accepted (423 below)' },
  { key: 'maxExpires', flag: 'max-expires', env: 'ACW_MAX_EXPIRES', def: 3600, parse: intIn(1, 86400), help: 'longest registration granted' },
  { key: 'recordSeconds', flag: 'record-seconds', env: 'ACW_RECORD_SECONDS', def: 5, parse: intIn(1, 300), help: 'how long the record service records' },
  { key: 'ringTimeout', flag: 'ring-timeout', env: 'ACW_RING_TIMEOUT', def: 60, parse: intIn(1, 3600), help: 'seconds a call may ring before 480' },
  { key: 'reconnectLimit', flag: 'reconnect-limit', env: 'ACW_RECONNECT_LIMIT', def: 30, parse: intIn(0, 3600), help: 'seconds a call waits for a client whose connection dropped (0: ends at once)' },
  { key: 'refuseTargetRefresh', flag: 'refuse-target-refresh', env: 'ACW_REFUSE_TARGET_REFRESH', def: '', help: "test switch: 481 to a reconnected client's re-INVITE ('*' or client ids, comma-separated)" },
  { key: 'dist', flag: 'dist', env: 'ACW_DIST', def: join(ROOT, 'dist'), parse: resolvePath, help: 'built wasm modules (acw-sip, acw-media, acw-core)' },
  { key: 'faults', flag: 'fault', env: 'ACW_FAULTS', def: [], parse: faultSpecs, repeat: true, help: "a fault from the start, KIND:key=value,... (repeatable; ';' between them in ACW_FAULTS), e.g. loss:client=alice,percent=10 or close:client=alice,after=30000,every=60000,ms=5000" },
  { key: 'logLevel', flag: 'log-level', env: 'ACW_LOG_LEVEL', def: 'info', parse: oneOf(['silent', 'error', 'warn', 'info', 'debug']), help: 'silent | error | warn | info | debug' },
];

function intIn(min, max) {
  return (text) => {
    if (typeof text === 'number') text = String(text);
    if (!/^[0-9]+$/.test(text)) throw new ConfigError(`not a whole number: ${text}`);
    const n = Number(text);
    if (n < min || n > max) throw new ConfigError(`${n} is outside ${min}..${max}`);
    return n;
  };
}
function matching(re) {
  return (text) => {
    if (!re.test(text)) throw new ConfigError(`${JSON.stringify(text)} does not match ${re}`);
    return text;
  };
}
function oneOf(values) {
  return (text) => {
    if (!values.includes(text)) throw new ConfigError(`${JSON.stringify(text)} is not one of ${values.join(', ')}`);
    return text;
  };
}
function resolvePath(text) {
  if (!text) throw new ConfigError('empty path');
  return resolve(text);
}
function list(text) {
  if (Array.isArray(text)) return text;
  return String(text).split(',').map((x) => x.trim()).filter(Boolean);
}
function bool(text) {
  if (typeof text === 'boolean') return text;
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new ConfigError(`not true or false: ${text}`);
}
function optionalPath(text) {
  return text ? resolve(text) : '';
}
function faultSpecs(text) {
  if (Array.isArray(text)) return text;
  try {
    return String(text).split(';').filter((s) => s.trim()).map(parseFaultSpec);
  } catch (e) {
    if (e instanceof FaultError) throw new ConfigError(e.message);
    throw e;
  }
}
function boolean(text) {
  if (typeof text === 'boolean') return text;
  if (/^(1|true|yes)$/i.test(text)) return true;
  if (/^(0|false|no)$/i.test(text)) return false;
  throw new ConfigError(`not true or false: ${text}`);
}
function portRange(text) {
  if (Array.isArray(text)) return text;
  try {
    return parsePortRange(text);
  } catch (e) {
    throw new ConfigError(String(e));
  }
}
function iceServers(text) {
  if (Array.isArray(text)) return text;
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError('not JSON');
  }
  if (!Array.isArray(value) || !value.every((s) => s && typeof s === 'object' && (typeof s.urls === 'string' || Array.isArray(s.urls)))) {
    throw new ConfigError('must be a JSON array of {urls, username?, credential?}');
  }
  return value;
}

/**
 * Settings from defaults, then environment, then flags (flags win). `overrides` (an object
 * keyed like the result) is for tests. Throws ConfigError naming the bad setting.
 */
export function loadConfig({ argv = [], env = {}, overrides = {} } = {}) {
  const config = {};
  for (const o of OPTIONS) config[o.key] = o.def;
  const set = (o, text, where) => {
    try {
      const value = o.parse ? o.parse(text) : text;
      // A repeatable flag adds to what the environment and earlier flags gave.
      config[o.key] = o.repeat && typeof text === 'string' ? [...config[o.key], ...value] : value;
    } catch (e) {
      throw new ConfigError(`${where}: ${e.message}`);
    }
  };
  for (const o of OPTIONS) if (env[o.env] !== undefined && env[o.env] !== '') set(o, env[o.env], o.env);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      config.help = true;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const o = m && OPTIONS.find((x) => x.flag === m[1]);
    if (!o) throw new ConfigError(`unknown argument ${arg} (try --help)`);
    let value = m[2];
    if (value === undefined && o.bool) value = 'true'; // a switch: --turn alone turns it on
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new ConfigError(`--${o.flag} needs a value`);
      value = argv[++i];
    }
    set(o, value, `--${o.flag}`);
  }
  for (const [key, value] of Object.entries(overrides)) {
    const o = OPTIONS.find((x) => x.key === key);
    if (o && o.parse && typeof value === 'string') set(o, value, key);
    else config[key] = value;
  }
  if (Boolean(config.tlsCert) !== Boolean(config.tlsKey)) {
    throw new ConfigError('--tls-cert and --tls-key go together');
  }
  if (config.minExpires > config.maxExpires) throw new ConfigError('min-expires is above max-expires');
  if (!isLoopback(config.host) && !config.tlsCert && !config.insecureHost) {
    throw new ConfigError(`--host ${config.host} is not loopback: give --tls-cert and --tls-key, or --insecure-host true to serve in clear`);
  }
  if (config.tlsCert) {
    try {
      config.tls = { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) };
    } catch (e) {
      throw new ConfigError(`TLS files: ${e.message}`);
    }
  }
  // Names the cloud answers to (PROTOCOL.md "Names").
  config.clientDomain = `${config.accessKey}.webrtc-${config.cloudId}.aculabcloud.net`;
  config.serviceDomain = `sip-${config.cloudId}.aculab.com`;
  config.proxyDomain = `webrtc-${config.cloudId}.aculabcloud.net`;
  return config;
}

export function usage() {
  const lines = ['Usage: npm start -- [--flag value]...', '', 'Flags (environment variable, default):'];
  for (const o of OPTIONS) {
    const def = Array.isArray(o.def) ? JSON.stringify(o.def) : String(o.def).replace(ROOT + '/', '');
    lines.push(`  --${o.flag.padEnd(14)} ${o.help}`);
    lines.push(`  ${''.padEnd(16)} (${o.env}, default ${def === '' ? "''" : def})`);
  }
  return lines.join('\n');
}

/** The settings a person needs to use the cloud, as printed at start. */
export function banner(config, url) {
  const rel = (p) => (p && p.startsWith(ROOT + '/') ? p.slice(ROOT.length + 1) : p || '(none)');
  return [
    `Aculab local cloud listening on ${url}`,
    `  open          ${url}`,
    `  SIP           ${url.replace(/^http/, 'ws')}sipproxy`,
    `  cloud id      ${config.cloudId}`,
    `  access key    ${config.accessKey}`,
    `  web services  user ${config.cloudId}/${config.accountUser}  API key ${config.apiKeyShown ?? config.apiKey}`,
    `  token         ${url}webrtc_generate_token?client_id=NAME`,
    `  prompts       ${rel(config.prompts)}`,
    `  recordings    ${rel(config.recordings)}`,
    `  events log    ${rel(config.eventsLog)}`,
    `  ICE servers   ${JSON.stringify(config.iceServers)}`,
    `  limits        ${config.maxCalls} calls (${config.maxCallsPerConnection} per connection, ${config.maxCallsPerAddress} per address, ${config.maxCallSeconds} s each), ${config.rateLimit} SIP msg/s per connection`,
    `                ${config.maxConnectionsPerAddress} connections per address, idle ${config.idleTimeout} s, ${config.maxBindingsPerClient} bindings per client, ${config.maxBindingsPerConnection} per connection`,
    ...(config.faults ?? []).map((f) => `  fault         ${JSON.stringify(f)}`),
    `  faults        ${url}faults (GET, POST, DELETE; web services credentials)`,
  ].join('\n');
}

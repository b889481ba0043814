// Leveled logging to stderr for the local cloud (one line per entry, with the component's name).
const LEVELS = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

export function createLogger(level = 'info', sink = (line) => process.stderr.write(line + '\n')) {
  const limit = LEVELS[level] ?? LEVELS.info;
  const at = (name, lvl) => (component, message, extra) => {
    if (LEVELS[lvl] > limit) return;
    let line = `${new Date().toISOString()} ${lvl.padEnd(5)} [${component}] ${message}`;
    if (extra !== undefined) line += ' ' + (typeof extra === 'string' ? extra : JSON.stringify(extra));
    sink(line);
  };
  return { error: at('error', 'error'), warn: at('warn', 'warn'), info: at('info', 'info'), debug: at('debug', 'debug'), level };
}

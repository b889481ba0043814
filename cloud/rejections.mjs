// An unhandled promise rejection while a cloud runs is logged and kept in /events: it never ends the process (and the other calls with it).
//
// Rejections that belong to a call are caught where they start (a service's run, its legs' async
// handlers: Leg.emit) and end that call only (CallRecord.fault). This is the net for the rest.
// (AsyncLocalStorage could name the call here too, but in Node 20 it makes every promise about
// three times slower, which the media path cannot afford.)
const clouds = new Set();

function unhandledRejection(reason) {
  const text = reason instanceof Error ? reason.stack ?? reason.message : String(reason);
  for (const cloud of clouds) {
    cloud.log.error('cloud', `unhandled rejection: ${text}`);
    cloud.events.add('cloud.fault', { reason: `unhandled rejection: ${reason?.message ?? String(reason)}` });
  }
}

export function watchRejections(cloud) {
  if (clouds.size === 0) process.on('unhandledRejection', unhandledRejection);
  clouds.add(cloud);
}

export function unwatchRejections(cloud) {
  clouds.delete(cloud);
  if (clouds.size === 0) process.off('unhandledRejection', unhandledRejection);
}

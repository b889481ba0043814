// Child process of abuse-data.test.mjs: a cloud whose service call has a handler that rejects, and a rejection of no call; prints what happened as JSON.
import { bystanderCall } from './cloud-audio-peer.mjs';
import { startTestCloud } from './cloud-helpers.mjs';

const cloud = await startTestCloud();
const bystander = await bystanderCall(cloud, 'bystander');
const faulty = await bystanderCall(cloud, 'faulty');
const start = cloud.events.list({ type: 'call.start' }).find((e) => e.from === 'faulty');
const record = cloud.router.calls.get(start.call);
const leg = [...cloud.ua.legs.values()].find((l) => l.callId === start.sipCallId);
// What a service's own async handler does when it has a bug: it rejects, and nobody awaits it.
leg.on('test-bug', async () => {
  await null;
  throw new Error('a bug in the service');
});
leg.emit('test-bug');
const faultyEnd = await cloud.events.waitFor((e) => e.type === 'call.end' && e.call === record.id, 20000);
// And one that belongs to no call.
setTimeout(() => Promise.reject(new Error('a bug elsewhere')), 10);
await cloud.events.waitFor((e) => e.type === 'cloud.fault', 20000);
const level = await bystander.audioIntact().then(() => true, () => false);
const bystanderStart = cloud.events.list({ type: 'call.start' }).find((e) => e.from === 'bystander');
const bystanderEnded = cloud.events.list({ type: 'call.end' }).some((e) => e.call === bystanderStart.call);
const healthOk = (await (await fetch(new URL('health', cloud.url))).json()).ok === true;
await bystander.hangUp();
faulty.peer.close();
await faulty.client.close();
await cloud.stop();
console.log(JSON.stringify({ faultyEnd, bystanderOk: level, bystanderEnded, cloudFault: cloud.events.list({ type: 'cloud.fault' }).length > 0, healthOk }));
setTimeout(() => process.exit(0), 200);

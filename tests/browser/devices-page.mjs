// The page side shared by devices.test.mjs and sounds.test.mjs.

// In the page: a client with a logger that keeps the SIP it sends (level 6) and options.sounds.
export async function openClient(page, cloud, clientId, sounds) {
  await page.evaluate(async ([cloudId, accessKey, id, soundOptions]) => {
    const { AculabCloudClient } = await import('/js/index.js');
    const t = (window.__t = { sent: [], events: [], deviceChanges: 0 });
    const logger = (level, text) => text.startsWith('send:\n') && t.sent.push(text.slice(6).split(' ')[0]);
    t.client = new AculabCloudClient(cloudId, accessKey, id, 6, { url: `ws://${location.host}/sipproxy`, logger, sounds: soundOptions });
    t.client.onDeviceChange = () => t.deviceChanges++;
  }, [cloud.config.cloudId, cloud.config.accessKey, clientId, sounds]);
}


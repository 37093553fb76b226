// First-frame reading in linear time: an MJPEG stream whose first frame is 1, 4 or 16 MB (no
// Content-Length in the part, so the reader must find the next boundary), sent as fast as the loopback
// allows. lantrust's reader against the previous one (which re-joined and re-scanned everything received
// on every chunk) and against curl downloading the same bytes to /dev/null (what the network costs).
// Also the event loop's longest stall while reading: what other requests to `lantrust ui` would wait.
// Usage: npm run build && node scripts/bench/frame-read.mjs [MB...]
import { createServer, request } from 'node:http';
import { execFile } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fetchFirstFrame } from '../../dist/main/probe/frame.js';

const sizes = (process.argv.slice(2).length ? process.argv.slice(2) : ['1', '4', '16']).map(Number);
const boundary = 'myboundary';
const chunk = 16 * 1024;

function frameOf(mb) {
  // SOI, filler that contains neither FF D9 nor the boundary, EOI
  const f = Buffer.alloc(mb * 1024 * 1024 - 1024, 0x41);
  f[0] = 0xff;
  f[1] = 0xd8;
  f[f.length - 2] = 0xff;
  f[f.length - 1] = 0xd9;
  return f;
}

const frames = new Map(sizes.map((mb) => [mb, frameOf(mb)]));
const server = createServer((req, res) => {
  const mb = Number(new URL(req.url, 'http://x').searchParams.get('mb'));
  const frame = frames.get(mb);
  const plain = req.url.startsWith('/raw');
  res.writeHead(200, { 'Content-Type': plain ? 'application/octet-stream' : `multipart/x-mixed-replace; boundary=${boundary}` });
  const body = plain ? frame : Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Type: image/jpeg\r\n\r\n`), frame, Buffer.from(`\r\n--${boundary}\r\n`)]);
  let p = 0;
  const pump = () => {
    while (p < body.length) {
      const ok = res.write(body.subarray(p, (p += chunk)));
      if (!ok) return void res.once('drain', pump);
    }
    if (plain) res.end();
  };
  res.on('close', () => (p = body.length));
  pump();
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const port = server.address().port;

// The reader before this change, kept here only to measure against.
function previousReader(res, deadline) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let done = false;
    const end = (e, b) => (done ? undefined : ((done = true), res.destroy(), e ? reject(e) : resolve(b)));
    setTimeout(() => end(new Error('timeout')), deadline - Date.now()).unref();
    res.on('data', (c) => {
      chunks.push(c);
      const buf = Buffer.concat(chunks);
      const start = buf.indexOf(`--${boundary}`);
      if (start < 0) return;
      const hdrEnd = buf.indexOf('\r\n\r\n', start);
      if (hdrEnd < 0) return;
      const next = buf.indexOf(`--${boundary}`, hdrEnd + 4);
      if (next >= 0) end(undefined, buf.subarray(hdrEnd + 4, next));
    });
  });
}

async function timed(fn) {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const t = performance.now();
  const out = await fn();
  const ms = performance.now() - t;
  h.disable();
  return { ms, stall: h.max / 1e6, out };
}

const rows = [];
for (const mb of sizes) {
  const ours = await timed(() => fetchFirstFrame({ scheme: 'http', host: '127.0.0.1', address: '127.0.0.1', port, path: `/mjpeg?mb=${mb}`, deadline: Date.now() + 120_000 }));
  if (!ours.out.frameBytes) throw new Error(`no frame: ${ours.out.error}`);
  const before =
    mb <= 4
      ? await timed(
          () =>
            new Promise((resolve, reject) =>
              request({ host: '127.0.0.1', port, path: `/mjpeg?mb=${mb}` }, (res) => previousReader(res, Date.now() + 120_000).then(resolve, reject)).end(),
            ),
        )
      : undefined;
  // curl runs asynchronously: the server it downloads from lives in this process
  const t = performance.now();
  const curlOk = await new Promise((resolve) => execFile('curl', ['-s', '-o', '/dev/null', `http://127.0.0.1:${port}/raw?mb=${mb}`], (e) => resolve(!e)));
  const curlMs = curlOk ? performance.now() - t : NaN;
  rows.push({ mb, ours, before, curlMs });
  console.log(
    `${String(mb).padStart(2)} MB: lantrust ${ours.ms.toFixed(0)} ms (longest event-loop stall ${ours.stall.toFixed(0)} ms)` +
      `${before ? `; previous reader ${before.ms.toFixed(0)} ms (stall ${before.stall.toFixed(0)} ms)` : '; previous reader: not run (minutes)'}` +
      `; curl -o /dev/null ${curlMs.toFixed(0)} ms`,
  );
}
const per = rows.map((r) => r.ours.ms / r.mb);
console.log(`lantrust ms per MB: ${per.map((x) => x.toFixed(0)).join(', ')} (linear when these stay level)`);
server.close();

// Child process for test-fleet.mjs: N HTTPS "cameras" + H hung TCP ports on 127.0.0.1.
// argv: dir N H. Prints {"good":[ports],"hung":[ports]} on stdout, then serves until killed.
import { createServer } from 'node:https';
import { createServer as createNet } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, n, h] = process.argv.slice(2);
const key = readFileSync(join(dir, 'cam.key'));
const cert = readFileSync(join(dir, 'cam.pem'));
const listen = (srv) => new Promise((r) => srv.listen(0, '127.0.0.1', () => r(srv.address().port)));
const good = [];
for (let i = 0; i < Number(n); i++) {
  const srv = createServer({ key, cert }, (_q, res) => res.end('ok'));
  srv.on('tlsClientError', () => {});
  good.push(await listen(srv));
}
const hung = [];
for (let i = 0; i < Number(h); i++) hung.push(await listen(createNet(() => {})));
process.stdout.write(`${JSON.stringify({ good, hung })}\n`);

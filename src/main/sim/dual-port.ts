// One port that answers both plain http and https, like a camera's port 80 and 443 side by side:
// TLS connections pass straight through to the simulated camera (so clients see its certificate),
// plain-http connections are carried to it over TLS. With it, "http://CAM:P/..." and its https
// form "https://CAM:P/..." reach the same camera, as http://CAM/ and https://CAM/ do on a real one.
import { createServer, connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { listenLoopback } from '../listen.js';

export interface DualPort {
  port: number;
  close(): Promise<void>;
}

export async function startDualPort(tlsPort: number, host = '127.0.0.1'): Promise<DualPort> {
  // Each side ends the other; close() ends the client side of every open pair.
  const track = (s: Socket) => s.on('error', () => s.destroy());
  const server = createServer((client) => {
    track(client);
    client.once('data', (first: Buffer) => {
      client.pause();
      // 0x16 = TLS handshake record: pass it through untouched.
      const upstream: Socket = first[0] === 0x16 ? connect(tlsPort, host) : tlsConnect({ port: tlsPort, host, rejectUnauthorized: false });
      track(upstream);
      upstream.write(first);
      client.pipe(upstream).pipe(client);
      client.resume();
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
    });
  });
  return listenLoopback(server, 0, host);
}

// Child process for deploy.mjs: N simulated Axis cameras (VAPIX, on-device keystore, Digest) on 127.0.0.1,
// each on its factory certificate. argv: N PASSWORD [DELAY_MS per VAPIX call]. Prints {"ports":[...]} on stdout, serves until killed.
import { startAxisCamera } from '../../dist/main/sim/camera.js';

const [n, password, delay] = process.argv.slice(2);
const ports = [];
for (let i = 0; i < Number(n); i++) ports.push((await startAxisCamera({ auth: { scheme: 'digest', user: 'root', password }, delayMs: Number(delay ?? 0), serial: `accc8e${String(i).padStart(6, '0')}` })).port);
process.stdout.write(`${JSON.stringify({ ports })}\n`);

// The app and installer icon, drawn at build time (no image files to download or keep in sync):
// a white shield with a check mark on a blue rounded square, as PNG images inside one .ico.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** RGBA pixels of the icon at `size`×`size`. */
function draw(size: number): Buffer {
  const px = Buffer.alloc(size * size * 4);
  const s = size / 256;
  const r = 48 * s; // corner radius
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const cx = x + 0.5;
      const cy = y + 0.5;
      // Rounded square background.
      const dx = Math.max(r - cx, 0, cx - (size - r));
      const dy = Math.max(r - cy, 0, cy - (size - r));
      if (dx * dx + dy * dy > r * r) continue;
      let rgb = [0x1f, 0x5f, 0xbf];
      // Shield: flat top, straight sides down to the middle, then a curve to a point.
      const u = (cx / s - 128) / 80; // -1..1 across the shield
      const v = (cy / s - 40) / 180; // 0..1 down the shield
      const half = v < 0.45 ? 1 : Math.sqrt(Math.max(0, 1 - ((v - 0.45) / 0.55) ** 2));
      if (v >= 0 && v <= 1 && Math.abs(u) <= half) rgb = [0xff, 0xff, 0xff];
      // Check mark (two thick strokes) in the background colour.
      const X = cx / s;
      const Y = cy / s;
      const onStroke = (x1: number, y1: number, x2: number, y2: number) => {
        const t = Math.max(0, Math.min(1, ((X - x1) * (x2 - x1) + (Y - y1) * (y2 - y1)) / ((x2 - x1) ** 2 + (y2 - y1) ** 2)));
        return Math.hypot(X - (x1 + t * (x2 - x1)), Y - (y1 + t * (y2 - y1))) < 14;
      };
      if (onStroke(88, 120, 118, 152) || onStroke(118, 152, 172, 92)) rgb = [0x1f, 0x5f, 0xbf];
      const i = (y * size + x) * 4;
      px[i] = rgb[0]!;
      px[i + 1] = rgb[1]!;
      px[i + 2] = rgb[2]!;
      px[i + 3] = 0xff;
    }
  }
  return px;
}

export function iconPng(size: number): Buffer {
  const px = draw(size);
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) px.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** A Windows .ico with PNG images at 256, 64, 48, 32 and 16 px (electron-builder requires 256). */
export function iconIco(sizes: number[] = [256, 64, 48, 32, 16]): Buffer {
  const pngs = sizes.map(iconPng);
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(sizes.length, 4);
  let offset = 6 + 16 * sizes.length;
  const entries = sizes.map((size, i) => {
    const e = Buffer.alloc(16);
    e[0] = size >= 256 ? 0 : size; // 0 means 256
    e[1] = size >= 256 ? 0 : size;
    e.writeUInt16LE(1, 4); // planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(pngs[i]!.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += pngs[i]!.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...pngs]);
}

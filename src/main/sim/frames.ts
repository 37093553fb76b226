// JPEG frames for the simulated camera: a small test card that changes every frame.
import jpeg from 'jpeg-js';

export function makeFrame(n: number, width = 320, height = 180): Buffer {
  const data = Buffer.alloc(width * height * 4);
  const bar = (n * 8) % width;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      // colour bars, with a moving white bar so a live stream visibly moves
      const band = Math.floor((x / width) * 7);
      const colors = [
        [200, 200, 200],
        [200, 200, 40],
        [40, 200, 200],
        [40, 200, 40],
        [200, 40, 200],
        [200, 40, 40],
        [40, 40, 200],
      ][band]!;
      const moving = Math.abs(x - bar) < 4;
      data[i] = moving ? 255 : colors[0]!;
      data[i + 1] = moving ? 255 : colors[1]!;
      data[i + 2] = moving ? 255 : y > height * 0.75 ? 30 : colors[2]!;
      data[i + 3] = 255;
    }
  }
  return Buffer.from(jpeg.encode({ data, width, height }, 70).data);
}

#!/usr/bin/env node
// Draws the app's icons (a white speech bubble on the accent blue) into public/: the PNGs the web app manifest
// and iOS ask for, and favicon.ico. Plain Node, no image library; the outputs are committed, so run this only
// after changing the drawing: `node app/web/scripts/make-icons.mjs`.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const OUT = path.resolve(import.meta.dirname, '../public');
const ACCENT = [0x25, 0x63, 0xeb];
const WHITE = [0xff, 0xff, 0xff];

/** Signed distance to a rounded rectangle centred at (cx, cy): < 0 inside. */
function roundedRect(x, y, cx, cy, halfW, halfH, r) {
  const qx = Math.abs(x - cx) - halfW + r;
  const qy = Math.abs(y - cy) - halfH + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

/** Inside the triangle a-b-c. */
function inTriangle(x, y, [ax, ay], [bx, by], [cx, cy]) {
  const s = (px, py, qx, qy, rx, ry) => (px - rx) * (qy - ry) - (qx - rx) * (py - ry);
  const d1 = s(x, y, ax, ay, bx, by);
  const d2 = s(x, y, bx, by, cx, cy);
  const d3 = s(x, y, cx, cy, ax, ay);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

/**
 * Colour of a point of the unit square: `maskable` fills the whole square (the launcher crops it) and keeps the
 * bubble inside the safe circle; otherwise a rounded blue tile on transparency.
 */
function shade(u, v, maskable) {
  const scale = maskable ? 0.62 : 0.8;
  const x = (u - 0.5) / scale + 0.5;
  const y = (v - 0.5) / scale + 0.5;
  const bubble = roundedRect(x, y, 0.5, 0.45, 0.3, 0.22, 0.09) < 0 || inTriangle(x, y, [0.3, 0.6], [0.46, 0.6], [0.28, 0.8]);
  const dots = [0.38, 0.5, 0.62].some((dx) => Math.hypot(x - dx, y - 0.45) < 0.04);
  if (bubble && !dots) return [...WHITE, 255];
  if (maskable || roundedRect(u, v, 0.5, 0.5, 0.5, 0.5, 0.2) < 0) return [...ACCENT, 255];
  return [0, 0, 0, 0];
}

function draw(size, maskable) {
  const n = 4; // 4×4 samples per pixel for smooth edges
  const raw = Buffer.alloc((1 + size * 4) * size);
  for (let py = 0; py < size; py++) {
    const row = py * (1 + size * 4);
    raw[row] = 0;
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = shade((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size, maskable);
          for (let i = 0; i < 3; i++) acc[i] += c[i] * c[3];
          acc[3] += c[3];
        }
      }
      const o = row + 1 + px * 4;
      for (let i = 0; i < 3; i++) raw[o + i] = acc[3] ? Math.round(acc[i] / acc[3]) : 0;
      raw[o + 3] = Math.round(acc[3] / (n * n));
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An .ico holding PNG images (every browser since IE Vista-era reads them). */
function ico(pngs) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(pngs.length, 4);
  let offset = 6 + 16 * pngs.length;
  const entries = pngs.map(({ size, data }) => {
    const e = Buffer.alloc(16);
    e[0] = size >= 256 ? 0 : size;
    e[1] = size >= 256 ? 0 : size;
    e.writeUInt16LE(1, 4); // planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(data.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += data.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...pngs.map((p) => p.data)]);
}

const files = {
  'icons/icon-192.png': draw(192, false),
  'icons/icon-512.png': draw(512, false),
  'icons/maskable-512.png': draw(512, true),
  'icons/apple-touch-180.png': draw(180, true),
  'favicon.ico': ico([16, 32, 48].map((size) => ({ size, data: draw(size, false) }))),
};
for (const [name, data] of Object.entries(files)) {
  fs.mkdirSync(path.dirname(path.join(OUT, name)), { recursive: true });
  fs.writeFileSync(path.join(OUT, name), data);
  console.log(`${name}: ${data.length} bytes`);
}

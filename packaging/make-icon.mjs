#!/usr/bin/env node
// Draws the plugin and bundle icon (.claude-plugin/icon.png, 512x512): a halo over a customer
// "org chart" of three dots, on a rounded navy square. Pure Node (zlib), so it needs no image tools.
//   node packaging/make-icon.mjs [out.png]
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const SIZE = 512, out = process.argv[2] ?? new URL("../.claude-plugin/icon.png", import.meta.url).pathname;
const navy = [23, 42, 77], teal = [38, 198, 190], white = [255, 255, 255];

// Coverage of each shape at (x, y), antialiased over a one-pixel edge.
const edge = (d) => Math.max(0, Math.min(1, 0.5 - d));
function roundedSquare(x, y, inset, radius) {
  const qx = Math.abs(x - SIZE / 2) - (SIZE / 2 - inset - radius), qy = Math.abs(y - SIZE / 2) - (SIZE / 2 - inset - radius);
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
  return edge(outside);
}
const disc = (x, y, cx, cy, r) => edge(Math.hypot(x - cx, y - cy) - r);
// An ellipse outline; the distance is approximated by scaling, close enough for a flat halo.
const halo = (x, y, cx, cy, rx, ry, w) => {
  const k = Math.hypot((x - cx) / rx, (y - cy) / ry);
  const grad = Math.hypot((x - cx) / (rx * rx), (y - cy) / (ry * ry)) / Math.max(k, 1e-6);
  return edge(Math.abs(k - 1) / Math.max(grad, 1e-6) - w / 2);
};
function segment(x, y, ax, ay, bx, by, w) {
  const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return edge(Math.hypot(x - ax - t * (bx - ax), y - ay - t * (by - ay)) - w / 2);
}
const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);

const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE);
for (let y = 0; y < SIZE; y++) {
  raw[y * (SIZE * 4 + 1)] = 0;  // PNG filter: none
  for (let x = 0; x < SIZE; x++) {
    const px = x + 0.5, py = y + 0.5;
    const alpha = roundedSquare(px, py, 16, 96);
    let c = navy;
    c = mix(c, teal, halo(px, py, 256, 128, 96, 34, 20));
    const links = Math.max(segment(px, py, 256, 236, 156, 372, 14), segment(px, py, 256, 236, 356, 372, 14));
    c = mix(c, white, links * 0.8);
    c = mix(c, white, Math.max(disc(px, py, 256, 236, 40), disc(px, py, 156, 372, 34), disc(px, py, 356, 372, 34)));
    const o = y * (SIZE * 4 + 1) + 1 + x * 4;
    raw[o] = Math.round(c[0]); raw[o + 1] = Math.round(c[1]); raw[o + 2] = Math.round(c[2]); raw[o + 3] = Math.round(alpha * 255);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => (buf.reduce((c, b) => crcTable[(c ^ b) & 0xff] ^ (c >>> 8), 0xffffffff) ^ 0xffffffff) >>> 0;
function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type), data]);
  const len = Buffer.alloc(4), crc = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8);  // 8-bit RGBA
writeFileSync(out, Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk("IHDR", header), chunk("IDAT", deflateSync(raw, { level: 9 })), chunk("IEND", Buffer.alloc(0)),
]));
console.error(`make-icon: wrote ${out}`);

/**
 * The Windows icon container (.ico), written and read without a library: a 6-byte header, a
 * 16-byte directory entry per image, then the images. Images up to 255 pixels are 32-bit DIBs
 * (BMP without its file header: height doubled, rows bottom-up, BGRA, then a 1-bit AND mask),
 * the form every Windows tool reads; 256 is stored as PNG, the form Windows has read since Vista
 * and the one that keeps the big image small.
 */
export interface IcoImage {
  readonly size: number;
  /** The image as a PNG file. */
  readonly png: Buffer;
  /** Straight RGBA, top row first (size × size × 4 bytes). */
  readonly rgba: Buffer;
}

/** One image as the directory and its payload describe it. */
export interface IcoEntry {
  /** Width and height from the directory (0 there means 256). */
  readonly width: number;
  readonly height: number;
  readonly bitCount: number;
  readonly format: 'png' | 'bmp';
  /** Width and height read from the payload itself (the PNG's IHDR, the DIB's header). */
  readonly payloadWidth: number;
  readonly payloadHeight: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A 32-bit DIB with its AND mask (set where the pixel is fully transparent), for images below 256. */
function dib(image: IcoImage): Buffer {
  const { size, rgba } = image;
  if (rgba.length !== size * size * 4) throw new Error(`${size}×${size} needs ${size * size * 4} bytes of RGBA, got ${rgba.length}`);
  const maskStride = Math.ceil(size / 32) * 4;
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(size, 4);
  header.writeInt32LE(size * 2, 8); // XOR image and AND mask, one above the other
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);
  header.writeUInt32LE(0, 16); // BI_RGB
  header.writeUInt32LE(size * size * 4 + maskStride * size, 20);
  const pixels = Buffer.alloc(size * size * 4);
  const mask = Buffer.alloc(maskStride * size);
  for (let y = 0; y < size; y++) {
    const row = size - 1 - y; // DIB rows go bottom-up
    for (let x = 0; x < size; x++) {
      const from = (y * size + x) * 4;
      const to = (row * size + x) * 4;
      pixels[to] = rgba[from + 2]!;
      pixels[to + 1] = rgba[from + 1]!;
      pixels[to + 2] = rgba[from]!;
      pixels[to + 3] = rgba[from + 3]!;
      if (rgba[from + 3] === 0) mask[row * maskStride + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return Buffer.concat([header, pixels, mask]);
}

/** The .ico file holding these images, smallest first. */
export function encodeIco(images: readonly IcoImage[]): Buffer {
  const sorted = [...images].sort((a, b) => a.size - b.size);
  const payloads = sorted.map((image) => {
    if (image.size < 1 || image.size > 256) throw new Error(`an .ico image is 1 to 256 pixels, not ${image.size}`);
    return image.size === 256 ? image.png : dib(image);
  });
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(sorted.length, 4);
  let offset = 6 + 16 * sorted.length;
  const directory = sorted.map((image, index) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(image.size === 256 ? 0 : image.size, 0);
    entry.writeUInt8(image.size === 256 ? 0 : image.size, 1);
    entry.writeUInt8(0, 2); // no palette
    entry.writeUInt8(0, 3);
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(payloads[index]!.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += payloads[index]!.length;
    return entry;
  });
  return Buffer.concat([header, ...directory, ...payloads]);
}

/** The width and height a PNG file declares (its IHDR chunk), or undefined when it is no PNG. */
export function pngSize(file: Buffer): { width: number; height: number } | undefined {
  if (file.length < 24 || !file.subarray(0, 8).equals(PNG_SIGNATURE) || file.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: file.readUInt32BE(16), height: file.readUInt32BE(20) };
}

/** The images an .ico file lists, each checked against its payload; throws on a file that is no icon. */
export function readIco(file: Buffer): IcoEntry[] {
  if (file.length < 6 || file.readUInt16LE(0) !== 0 || file.readUInt16LE(2) !== 1) throw new Error('not an .ico file (header)');
  const count = file.readUInt16LE(4);
  if (file.length < 6 + 16 * count) throw new Error('the .ico directory is cut short');
  const entries: IcoEntry[] = [];
  for (let index = 0; index < count; index++) {
    const at = 6 + 16 * index;
    const width = file.readUInt8(at) || 256;
    const height = file.readUInt8(at + 1) || 256;
    const bitCount = file.readUInt16LE(at + 6);
    const length = file.readUInt32LE(at + 8);
    const offset = file.readUInt32LE(at + 12);
    if (offset + length > file.length) throw new Error(`image ${index + 1} (${width}×${height}) lies past the end of the file`);
    const payload = file.subarray(offset, offset + length);
    const png = pngSize(payload);
    if (png) {
      entries.push({ width, height, bitCount, format: 'png', payloadWidth: png.width, payloadHeight: png.height });
    } else {
      if (payload.length < 40 || payload.readUInt32LE(0) !== 40) throw new Error(`image ${index + 1} (${width}×${height}) is neither PNG nor a DIB`);
      entries.push({ width, height, bitCount, format: 'bmp', payloadWidth: payload.readInt32LE(4), payloadHeight: payload.readInt32LE(8) / 2 });
    }
  }
  return entries;
}

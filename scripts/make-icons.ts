#!/usr/bin/env node
// Renders the ScimDesk mark (resources/icon.svg) into the icons the installer and the app need,
// without any download: Debian's Chromium (through playwright-core, as the UI tests drive it)
// rasterises the vector at each size, and this script writes the files:
//   resources/icon.ico           Windows: the .exe, the installer, shortcuts, the taskbar
//   resources/icon.png           512×512, electron-builder's default icon
//   resources/icons/NxN.png      16 … 512, for the tray and a Linux build
//   resources/icons/source.json  the SHA-256 of the icon.svg they were made from
// Run it after changing icon.svg: `npm run icons`; commit what it writes.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { encodeIco, type IcoImage } from './packaging/ico';

const root = fileURLToPath(new URL('..', import.meta.url));
const resources = join(root, 'resources');
const CHROMIUM = process.env['SCIMDESK_CHROMIUM'] ?? '/usr/bin/chromium';

/** Every size rendered; the .ico takes the ones Windows picks from at 100–250 % scaling. */
const PNG_SIZES = [16, 20, 24, 32, 40, 48, 64, 128, 256, 512] as const;
const ICO_SIZES = [16, 20, 24, 32, 40, 48, 64, 256] as const;

interface Rendered {
  readonly size: number;
  /** The PNG file, base64. */
  readonly png: string;
  /** Straight (not premultiplied) RGBA, row by row from the top, base64. */
  readonly rgba: string;
}

async function render(svg: string, sizes: readonly number[]): Promise<Rendered[]> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM} (apt-get install chromium, or set SCIMDESK_CHROMIUM)`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    // Browser code as text: this script is type-checked without the DOM's types.
    const drawAll = `(async () => {
      const image = new Image();
      image.src = 'data:image/svg+xml;base64,' + ${JSON.stringify(Buffer.from(svg).toString('base64'))};
      await image.decode();
      const toBase64 = (bytes) => {
        let text = '';
        for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(text);
      };
      return ${JSON.stringify(sizes)}.map((size) => {
        const canvas = document.createElement('canvas');
        canvas.width = size;
        canvas.height = size;
        const context = canvas.getContext('2d');
        // The vector drawn at each size, not a big bitmap scaled down: small icons stay sharp.
        context.drawImage(image, 0, 0, size, size);
        const rgba = context.getImageData(0, 0, size, size).data;
        return { size, png: canvas.toDataURL('image/png').slice('data:image/png;base64,'.length), rgba: toBase64(rgba) };
      });
    })()`;
    return (await page.evaluate(drawAll)) as Rendered[];
  } finally {
    await browser.close();
  }
}

const svg = readFileSync(join(resources, 'icon.svg'), 'utf8');
const rendered = await render(svg, PNG_SIZES);
const bySize = new Map(rendered.map((image) => [image.size, image]));

mkdirSync(join(resources, 'icons'), { recursive: true });
for (const image of rendered) writeFileSync(join(resources, 'icons', `${image.size}x${image.size}.png`), Buffer.from(image.png, 'base64'));
writeFileSync(join(resources, 'icon.png'), Buffer.from(bySize.get(512)!.png, 'base64'));

const icoImages: IcoImage[] = ICO_SIZES.map((size) => {
  const image = bySize.get(size)!;
  return { size, png: Buffer.from(image.png, 'base64'), rgba: Buffer.from(image.rgba, 'base64') };
});
writeFileSync(join(resources, 'icon.ico'), encodeIco(icoImages));
writeFileSync(
  join(resources, 'icons', 'source.json'),
  `${JSON.stringify({ source: 'icon.svg', sha256: createHash('sha256').update(svg).digest('hex'), png: PNG_SIZES, ico: ICO_SIZES }, null, 2)}\n`,
);
console.log(`Wrote resources/icon.ico (${ICO_SIZES.join(', ')}), resources/icon.png (512) and resources/icons/ (${PNG_SIZES.join(', ')}).`);

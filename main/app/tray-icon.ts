import type { TrayStatusKind } from './tray-menu';

/**
 * The ScimDesk mark, drawn in code for the tray: the same drawing as resources/icon.svg (a test keeps
 * the two equal), with the tray's status on it, so the icon itself says whether ScimDesk serves, had
 * errors in Entra's last cycle, is paused or is stopped. Drawn rather than read from files so each
 * status needs no asset and the shell has no image decoder to depend on.
 */

/** The mark's stroke, as in resources/icon.svg (viewBox 0 0 32 32): one move and relative cubic curves. */
export const MARK_PATH = 'M21.5 10.5c-1.2-1.3-3-2-5-2-3.2 0-5.5 1.8-5.5 4.3 0 5.4 10.5 3.4 10.5 8 0 1.8-1.9 3-4.6 3-2.1 0-4-.8-5.4-2.3';
export const MARK_BACKGROUND = '#0f6cbd';
const STROKE_WIDTH = 2.6;
const CORNER_RADIUS = 6;
const VIEW = 32;

/** Status colours: the brand blue while serving; a red dot for errors, an amber dot while paused; grey when stopped. */
const DOTS: Readonly<Record<TrayStatusKind, string | null>> = { serving: null, errors: '#c50f1f', paused: '#f7630c', stopped: null };
const BACKGROUNDS: Readonly<Record<TrayStatusKind, string>> = { serving: MARK_BACKGROUND, errors: MARK_BACKGROUND, paused: MARK_BACKGROUND, stopped: '#8a8a8a' };

type Point = readonly [number, number];

/** Reads an SVG path of `M x y` followed by relative `c` curves (all the mark uses) into absolute cubic curves. */
export function parseMarkPath(d: string): Array<readonly [Point, Point, Point, Point]> {
  const tokens = d.match(/[Mc]|-?(?:\d+\.?\d*|\.\d+)/g) ?? [];
  if (tokens[0] !== 'M') throw new Error('the mark path must start with M');
  let i = 1;
  const next = () => {
    const value = Number(tokens[i++]);
    if (!Number.isFinite(value)) throw new Error('unexpected token in the mark path');
    return value;
  };
  let current: Point = [next(), next()];
  if (tokens[i] !== 'c') throw new Error('the mark path continues with c');
  i++;
  const curves: Array<readonly [Point, Point, Point, Point]> = [];
  while (i < tokens.length) {
    if (tokens[i] === 'c') i++;
    const [x, y] = current;
    const c1: Point = [x + next(), y + next()];
    const c2: Point = [x + next(), y + next()];
    const end: Point = [x + next(), y + next()];
    curves.push([current, c1, c2, end]);
    current = end;
  }
  return curves;
}

/** The curves as short straight segments, fine enough for a 64-pixel icon. */
function flatten(curves: ReturnType<typeof parseMarkPath>): Point[] {
  const points: Point[] = [];
  for (const [p0, p1, p2, p3] of curves) {
    for (let step = points.length === 0 ? 0 : 1; step <= 24; step++) {
      const t = step / 24;
      const u = 1 - t;
      const a = u * u * u;
      const b = 3 * u * u * t;
      const c = 3 * u * t * t;
      const e = t * t * t;
      points.push([a * p0[0] + b * p1[0] + c * p2[0] + e * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + e * p3[1]]);
    }
  }
  return points;
}

function distanceToSegment(x: number, y: number, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const length = dx * dx + dy * dy;
  const t = length === 0 ? 0 : Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / length));
  return Math.hypot(x - (a[0] + t * dx), y - (a[1] + t * dy));
}

function insideRoundedSquare(x: number, y: number): boolean {
  if (x < 0 || y < 0 || x > VIEW || y > VIEW) return false;
  const cx = Math.min(Math.max(x, CORNER_RADIUS), VIEW - CORNER_RADIUS);
  const cy = Math.min(Math.max(y, CORNER_RADIUS), VIEW - CORNER_RADIUS);
  return Math.hypot(x - cx, y - cy) <= CORNER_RADIUS;
}

function rgb(hex: string): [number, number, number] {
  return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
}

const STROKE = flatten(parseMarkPath(MARK_PATH));
/** The status dot: bottom right, with a white ring so it reads on the blue. */
const DOT = { x: 24, y: 24, radius: 7, ring: 2 };

/** The colour of the drawing at one point of the 32×32 view, or null where it is transparent. */
function colourAt(x: number, y: number, status: TrayStatusKind): [number, number, number] | null {
  const dot = DOTS[status];
  if (dot) {
    const d = Math.hypot(x - DOT.x, y - DOT.y);
    if (d <= DOT.radius - DOT.ring) return rgb(dot);
    if (d <= DOT.radius) return [255, 255, 255];
  }
  if (!insideRoundedSquare(x, y)) return null;
  for (let k = 1; k < STROKE.length; k++) {
    if (distanceToSegment(x, y, STROKE[k - 1]!, STROKE[k]!) <= STROKE_WIDTH / 2) return [255, 255, 255];
  }
  return rgb(BACKGROUNDS[status]);
}

/**
 * The mark with a status as a size×size bitmap: BGRA with premultiplied alpha, the layout Electron's
 * nativeImage.createFromBitmap takes. Each pixel averages 4×4 samples, so edges are smooth.
 */
export function drawTrayIcon(size: number, status: TrayStatusKind): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const colour = colourAt(((px + (sx + 0.5) / samples) * VIEW) / size, ((py + (sy + 0.5) / samples) * VIEW) / size, status);
          if (!colour) continue;
          r += colour[0];
          g += colour[1];
          b += colour[2];
          covered += 1;
        }
      }
      const total = samples * samples;
      const offset = (py * size + px) * 4;
      // Premultiplied: each channel is the sum of the covered samples' values over all samples.
      pixels[offset] = Math.round(b / total);
      pixels[offset + 1] = Math.round(g / total);
      pixels[offset + 2] = Math.round(r / total);
      pixels[offset + 3] = Math.round((covered * 255) / total);
    }
  }
  return pixels;
}

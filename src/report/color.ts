// Whether to color a stream: NO_COLOR (non-empty) wins, then --color/--no-color, FORCE_COLOR
// ("0"/"false" disable, anything else enables), then a TTY that is not TERM=dumb.
import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

export function shouldColor(stream: { isTTY?: boolean }, flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

export function colors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}

/**
 * ANSI styling, applied only when the caller says the stream takes colour.
 *
 * @module
 */

/** A set of styling functions; the identity when colour is off. */
export interface Palette {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  cyan(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const plain = (text: string) => text;

/** The palette for a stream: ANSI codes when `color`, plain text otherwise. */
export function palette(color: boolean): Palette {
  if (!color) return { red: plain, yellow: plain, green: plain, cyan: plain, bold: plain, dim: plain };
  return {
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    green: wrap(32, 39),
    cyan: wrap(36, 39),
    bold: wrap(1, 22),
    dim: wrap(2, 22),
  };
}

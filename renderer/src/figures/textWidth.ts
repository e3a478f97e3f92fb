/**
 * Width of a label in a sans-serif font of Helvetica/Arial metrics (the export font, Arimo, has
 * Arial's widths), in units of the font size. Classes of characters rather than a full table:
 * the estimate only decides whether labels would collide, and errs wide.
 */
const NARROW = /[ilI.,:;|!'()[\]jft]/;
const WIDE = /[MWmw@%]/;

export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const c of text) {
    if (c === ' ') em += 0.28;
    else if (NARROW.test(c)) em += 0.3;
    else if (WIDE.test(c)) em += 0.9;
    else if (/[A-Z]/.test(c)) em += 0.69;
    else if (/[0-9]/.test(c)) em += 0.56;
    else em += 0.57;
  }
  return em * fontSize;
}

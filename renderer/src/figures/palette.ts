/**
 * Okabe & Ito's colour-blind-safe palette (Color Universal Design, 2008), ordered so that the
 * first colours differ most in lightness too (they survive greyscale printing); yellow, weak on
 * white, comes late. Used on screen and in every export.
 */
export const OKABE_ITO = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

/** The same palette for a dark background: black becomes light grey. */
export const OKABE_ITO_DARK = OKABE_ITO.map((colour) => (colour === '#000000' ? '#BBBBBB' : colour));

/** A colour per group, stable across figures that show the same groups. */
export function colourFor(index: number, dark = false): string {
  const palette = dark ? OKABE_ITO_DARK : OKABE_ITO;
  return palette[index % palette.length]!;
}

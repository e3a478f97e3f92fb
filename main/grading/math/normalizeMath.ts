import { matchingBrace } from '../extraction/latexGroups';

/**
 * MATH answer normalisation, after Hendrycks et al.'s `strip_string` (MATH, 2021) and the
 * Qwen2.5-Math / LIMO grader that Z1 reports with: strip what does not change the value
 * (delimiters, \left/\right, spacing, units, degree signs, \$, trailing punctuation) and spell
 * the rest one way (\dfrac → \frac, \frac12 → \frac{1}{2}, .5 → 0.5, 1,000 → 1000).
 */
export interface NormalizedAnswer {
  /** The answer in one spelling, spaces collapsed (kept after commands: `\pi r`). */
  text: string;
  /** A percent sign or the word "percent" was removed: 50\% may also mean 0.5. */
  percent: boolean;
}

const ROW_BREAK = '\u0001';

const UNICODE: Array<[RegExp, string]> = [
  [/[\u2212\u2012\u2013\u2014]/g, '-'],
  [/\u00d7/g, '\\times '],
  [/\u00f7/g, '\\div '],
  [/[\u00b7\u22c5]/g, '\\cdot '],
  [/\u03c0/g, '\\pi '],
  [/\u221e/g, '\\infty '],
  [/\u221a/g, '\\sqrt'],
  [/\u2264/g, '\\le '],
  [/\u2265/g, '\\ge '],
  [/\u2260/g, '\\ne '],
  [/\u00b0/g, '^\\circ'],
  [/\u222a/g, '\\cup '],
  [/\u2205/g, '\\emptyset '],
  [/[\u00a0\u2000-\u200b\u202f\u205f\u3000]/g, ' '],
  [/\uff0c/g, ','],
];

/** Units that may follow a number as bare words (inside \text{} any word is taken as a unit, as MATH does). */
const UNIT_WORDS = new Set(
  (
    'cm mm m km in inch inches ft feet foot yd yard yards mi mile miles meter meters metre metres centimeter centimeters ' +
    'millimeter millimeters kilometer kilometers unit units degree degrees radian radians rad second seconds sec s ' +
    'minute minutes min hour hours hr hrs day days week weeks month months year years dollar dollars cent cents mph ' +
    'kg g gram grams kilogram kilograms pound pounds lb lbs ounce ounces oz liter liters litre litres ml gallon gallons ' +
    'square cubic sq cu ways people students points'
  ).split(' '),
);

const TEXT_COMMANDS =
  /\\(?:text|textbf|textit|textrm|textsf|texttt|textnormal|mbox|mathrm|mathbf|mathit|mathsf|mathtt|mathnormal|boldsymbol|bm)\s*\{/g;

export function normalizeMathAnswer(raw: string): NormalizedAnswer {
  let s = raw.length > 4000 ? raw.slice(0, 4000) : raw;
  for (const [pattern, replacement] of UNICODE) s = s.replace(pattern, replacement);
  s = undoDoubleEscapes(s);
  // Thousands groups MATH writes as 32,\!349 and 14{,}916 (spaces after the comma allowed).
  s = s.replace(/(\d)\s*(?:,\s*\\!|\{\s*,\s*\})\s*(?=\d{3}(?!\d))/g, '$1');
  // Row breaks (\\) first, so that spacing commands (\ , \,) are not read into them.
  s = s.replace(/\\\\(\[[^\]]*\])?/g, ROW_BREAK);
  s = unwrapCommand(s, /\\(?:boxed|fbox)\s*\{/g);
  s = s.replace(/\\displaystyle|\\textstyle/g, ' ');
  s = s.replace(/\\\$/g, ' ').replace(/\$/g, ' ');
  s = s.replace(/\\\(|\\\)|\\\[|\\\]/g, ' ');
  s = s.replace(
    /\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|Biggl|Biggr|big|Big|bigg|Bigg)(?![a-zA-Z])\s*\.?/g,
    '',
  );
  s = s.replace(/\\[dtc]frac(?![a-zA-Z])/g, '\\frac').replace(/\\[dt]binom(?![a-zA-Z])/g, '\\binom');
  s = s
    .replace(/\\!/g, '')
    .replace(/\\[,:;> ]|~|\\q?quad(?![a-zA-Z])|\\q?quad(?=[a-zA-Z](?![a-zA-Z]))|\\thinspace|\\enspace/g, ' ');
  s = s.replace(/\{,\}/g, ',');
  // Degrees: 30^\circ, 30^{\circ}, \degree.
  s = s.replace(/\^\s*\{?\s*\\circ\s*\}?/g, ' ').replace(/\\degree(?![a-zA-Z])|\\circ(?![a-zA-Z])\s*$/g, ' ');
  let percent = false;
  s = s.replace(/\\?%|\\percent(?![a-zA-Z])|\b(?:percent|percentage|pct)\b/g, () => {
    percent = true;
    return ' ';
  });
  s = dropUnits(s);
  s = unwrapCommand(s, TEXT_COMMANDS);
  s = s.replace(/\\operatorname\s*\{\s*([a-zA-Z]+)\s*\}/g, '\\$1 ');
  s = s.replace(/\\emptyset|\\varnothing|\\\{\s*\\\}/g, '\\emptyset');
  s = s.replace(/\\lt(?![a-zA-Z])/g, '<').replace(/\\gt(?![a-zA-Z])/g, '>');
  s = s
    .replace(/\\le(?![a-zA-Z])|\\leqslant|<=/g, '\\leq ')
    .replace(/\\ge(?![a-zA-Z])|\\geqslant|>=/g, '\\geq ')
    .replace(/\\neq|!=/g, '\\ne ');
  s = fixShorthand(s);
  // "3 \frac{1}{4}" is the mixed number 3\frac{1}{4}.
  s = s.replace(/(\d)\s+\\frac(?![a-zA-Z])/g, '$1\\frac');
  s = evaluateBinomials(s);
  s = s.replace(/\s+/g, ' ').trim();
  s = dropTrailingUnitWords(s);
  // "x = 2 or x = 3", "1 and 2": a list, once the answer is mathematical.
  if (/\d/.test(s)) {
    s = s.replace(/,?\s+(?:and|or)\s+/g, ', ').replace(/,\s*(?:and|or)\s+/g, ', ');
    // "(11,7)or(7,11)": between brackets no spaces are needed.
    s = s.replace(/([)\]}])\s*(?:and|or)\s*(?=[([{\\\d-])/g, '$1, ');
  }
  s = s.replace(/[\s.,;:]+$/g, '').replace(/^[\s,;:]+/g, '');
  s = thousands(s);
  s = s.replace(/(^|[^\d}])\.(\d)/g, '$10.$2');
  s = s.replace(/\s*([,=+\-*/^_(){}[\]&|<>:;])\s*/g, '$1').replace(/(\\[a-zA-Z]+)\s+(?![a-zA-Z])/g, '$1');
  return { text: s.trim().replaceAll(ROW_BREAK, '\\\\'), percent };
}

/** Replaces `\cmd{X}` by X (braces matched, nesting kept). */
function unwrapCommand(s: string, pattern: RegExp): string {
  for (let guard = 0; guard < 100; guard++) {
    pattern.lastIndex = 0;
    const match = pattern.exec(s);
    if (!match) return s;
    const open = match.index + match[0].length - 1;
    const close = matchingBrace(s, open);
    if (close === -1) return s.slice(0, match.index) + s.slice(open + 1);
    s = s.slice(0, match.index) + s.slice(open + 1, close) + s.slice(close + 1);
  }
  return s;
}

/**
 * `5\text{ cm}^2`, `12 \mbox{ inches}`, `3\,\mathrm{kg}`: a text group after a number or closing
 * bracket, made of words only, is a unit (MATH's `_remove_right_units` drops any "\text{ …}").
 */
function dropUnits(s: string): string {
  const pattern = /\\(?:text|mbox|textnormal|textrm|mathrm)\s*\{([^{}]*)\}(\s*\^\s*\{?\s*[23]\s*\}?)?/g;
  return s.replace(pattern, (whole, content: string, _power: string | undefined, offset: number) => {
    const before = s.slice(0, offset).trimEnd();
    const words = content.trim();
    const isWordy = /^[a-zA-Z][a-zA-Z .\-]*$/.test(words);
    if (!isWordy || !/[\d})\]]$/.test(before) || /^(?:and|or)$/.test(words)) return whole;
    // \mathrm{} is also how variables are set upright: only known units count there.
    if (/^\\mathrm/.test(whole) && !words.split(/\s+/).every((w) => UNIT_WORDS.has(w.toLowerCase()))) return whole;
    return ' ';
  });
}

/** "5 cm", "12 square units", "6 ways" after a number. */
function dropTrailingUnitWords(s: string): string {
  const match = /^(.*?[\d}])((?:\s+[a-zA-Z]+\.?(?:\^\{?[23]\}?)?)+)$/.exec(s);
  if (!match) return s;
  const words = match[2]!
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/\^\{?[23]\}?$|\.$/g, '').toLowerCase());
  return words.length > 0 && words.every((w) => UNIT_WORDS.has(w)) ? match[1]!.trim() : s;
}

/** \frac12 → \frac{1}{2}, \frac1{x} → \frac{1}{x}, \sqrt2 → \sqrt{2}. */
function fixShorthand(s: string): string {
  s = s.replace(/\\frac\s*(\d)\s*(\d)/g, '\\frac{$1}{$2}');
  s = s.replace(/\\frac\s*(\d|[a-zA-Z](?![a-zA-Z]))\s*\{/g, '\\frac{$1}{');
  s = s.replace(/\\frac\s*\{([^{}]*)\}\s*(\d|[a-zA-Z](?![a-zA-Z]))/g, '\\frac{$1}{$2}');
  s = s.replace(/\\sqrt\s*(\d+|[a-zA-Z](?![a-zA-Z]))/g, '\\sqrt{$1}');
  return s;
}

function evaluateBinomials(s: string): string {
  return s.replace(/\\binom\s*\{\s*(\d{1,4})\s*\}\s*\{\s*(\d{1,4})\s*\}/g, (whole, n: string, k: string) => {
    const value = binomial(BigInt(n), BigInt(k));
    return value === null ? whole : value.toString();
  });
}

function binomial(n: bigint, k: bigint): bigint | null {
  if (k < 0n || k > n) return 0n;
  if (k > n - k) k = n - k;
  let result = 1n;
  for (let i = 1n; i <= k; i++) result = (result * (n - k + i)) / i;
  return result;
}

/** 1,000,000 and 1 000 000 are one number when they are the whole answer (a list would write "1, 000"). */
function thousands(s: string): string {
  if (/^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(s) || /^-?\d{1,3}(?: \d{3})+(?:\.\d+)?$/.test(s))
    return s.replace(/[, ]/g, '');
  return s;
}

/** Commands written with a doubled backslash (`\\\\frac`, text escaped twice on its way through JSON or Python). */
const DOUBLED =
  /\\\\(?=(?:left|right|frac|dfrac|tfrac|sqrt|le|leq|ge|geq|lt|gt|ne|neq|pi|cdot|times|in|infty|boxed|text|mathrm|pm|cup|cap|circ|approx)(?![a-zA-Z]))/g;

/**
 * `\\\\left(` is `\\left(` escaped twice; in real LaTeX `\\\\` is a row break, which only matrices and
 * arrays have, so text with an environment is left alone.
 */
function undoDoubleEscapes(s: string): string {
  return s.includes('\\begin{') ? s : s.replace(DOUBLED, '\\');
}

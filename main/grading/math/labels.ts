/**
 * A label names a value instead of computing one: `x`, `f(x)`, `a_{37}`, `AB`, `|AB|`, `V_1 : V_2`,
 * `\frac{NO}{BO}`, `\angle ABC`, `(p, q)`. "AB = 4" and "(p, q) = (3, 2)" state the values 4 and
 * (3, 2). A side with arithmetic (`11a + c`, `a^2 + b`, `2x`) is not a label: "7 = 11a + c" is
 * an equation, and "11a + c" does not answer it.
 */
const DECORATIONS =
  /\\(?:overline|overrightarrow|vec|widehat|hat|bar|tilde|mathbf|mathrm|mathit|text|operatorname)\s*\{([a-zA-Z ]+)\}/g;
const GREEK =
  /\\(?:alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|vartheta|iota|kappa|lambda|mu|nu|xi|rho|sigma|tau|phi|varphi|chi|psi|omega|Gamma|Delta|Theta|Lambda|Xi|Sigma|Phi|Psi|Omega)(?![a-zA-Z])/g;

export function isLabel(text: string): boolean {
  let s = text.trim();
  if (s.length === 0 || s.length > 80) return false;
  s = s.replace(DECORATIONS, '$1');
  s = s.replace(/\\(?:angle|measuredangle|triangle)(?![a-zA-Z])/g, ' ');
  s = s.replace(GREEK, 'g');
  // Subscripts and primes belong to the name: a_{37}, V_1, f'.
  s = s.replace(/_\{[^{}]*\}|_[a-zA-Z0-9]/g, '').replace(/\^\{?\\prime\}?|'/g, '');
  // \frac{NO}{BO} is the ratio of two names.
  s = s.replace(/\\frac\{([a-zA-Z ]+)\}\{([a-zA-Z ]+)\}/g, '$1/$2');
  // Function application: f(x), P(A), f(2) name a value; so does a tuple of names (p, q).
  s = s.replace(/([a-zA-Z])\(([a-zA-Z0-9, ]*)\)/g, '$1');
  if (/^\([a-zA-Z, ]+\)$/.test(s) && s.includes(',')) return true;
  s = s.replace(/\|([a-zA-Z ]+)\|/g, '$1').trim();
  if (!/^[a-zA-Z][a-zA-Z ]*(?:[:/][a-zA-Z ]+)*$/.test(s)) return false;
  // Words are answers, not labels ("yes", "Evelyn"); points are capitals (AB, MBCN).
  return !/[a-z]{3,}/.test(s.replace(/\s/g, ''));
}

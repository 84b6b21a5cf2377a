/**
 * The code points in `text` that a strict consumer fails on (C0 controls but tab, LF and CR, lone
 * surrogates, noncharacters), as U+XXXX: written out here independently of src/unicode.ts, which tests use
 * this to check.
 */
export const badCodePoints = (text: string): string[] =>
  [...text]
    .map((c) => c.codePointAt(0) ?? 0)
    .filter(
      (cp) =>
        (cp < 0x20 && ![0x9, 0xa, 0xd].includes(cp)) ||
        (cp >= 0xd800 && cp <= 0xdfff) ||
        (cp >= 0xfdd0 && cp <= 0xfdef) ||
        (cp & 0xfffe) === 0xfffe,
    )
    .map((cp) => `U+${cp.toString(16).toUpperCase()}`);

/**
 * Code points no feed may carry: C0 controls other than tab, LF and CR (XML 1.0 forbids them even
 * escaped), lone surrogates (not Unicode: a strict decoder or encoder fails on them, python3-feedparser
 * among them), and the 66 noncharacters (XML forbids U+FFFE and U+FFFF; HTML calls them all errors).
 */
const FORBIDDEN = /[\0-\x08\x0B\x0C\x0E-\x1F\p{Cs}\p{Noncharacter_Code_Point}]/gu;

/** `text` without the code points no feed may carry, and how many there were. */
export function removeForbidden(text: string): { text: string; removed: number } {
  let removed = 0;
  const clean = text.replace(FORBIDDEN, () => {
    removed++;
    return "";
  });
  return { text: clean, removed };
}

export const stripForbidden = (text: string): string => removeForbidden(text).text;

/** The warning for a field that lost `n` of them. */
export const removedForbidden = (n: number) =>
  `removed ${n} character${n === 1 ? "" : "s"} no feed may carry (control characters, lone surrogates, noncharacters)`;

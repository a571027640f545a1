// Look-alike characters, folded to the ASCII letter they imitate: enough to catch
// the homoglyph tool names seen in the wild (Cyrillic and Greek letters,
// fullwidth forms), not a full Unicode confusables table.

const MAP: Record<string, string> = {
  а: 'a',
  е: 'e',
  о: 'o',
  р: 'p',
  с: 'c',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  һ: 'h',
  ӏ: 'l',
  ԛ: 'q',
  ԝ: 'w',
  к: 'k',
  м: 'm',
  н: 'h',
  т: 't',
  в: 'b',
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
  У: 'Y',
  І: 'I',
  Ј: 'J',
  Ѕ: 'S',
  α: 'a',
  ο: 'o',
  ρ: 'p',
  ν: 'v',
  ι: 'i',
  κ: 'k',
  τ: 't',
  υ: 'u',
  ε: 'e',
  χ: 'x',
  γ: 'y',
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
  ı: 'i',
  ȷ: 'j',
  ⅼ: 'l',
  ℓ: 'l',
  ɡ: 'g',
  ɑ: 'a',
  ʟ: 'l',
  ſ: 's',
};

/** The ASCII skeleton of a name: look-alikes folded, fullwidth forms narrowed, lower-cased. */
export function skeleton(name: string): string {
  let out = '';
  for (const ch of name.normalize('NFKC')) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xff01 && cp <= 0xff5e) out += String.fromCharCode(cp - 0xfee0);
    else out += MAP[ch] ?? ch;
  }
  return out.toLowerCase();
}

/** True when the name mixes in characters that only imitate ASCII letters. */
export function hasLookalikes(name: string): boolean {
  const folded = skeleton(name);
  return folded !== name.toLowerCase() && /^[\x20-\x7e]+$/.test(folded);
}

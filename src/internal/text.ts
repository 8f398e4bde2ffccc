// Text rules shared by everything that stores, encodes or shows a caller's string.

/** True when `text` holds no lone UTF-16 surrogate (`String.prototype.isWellFormed` is too new for every runtime we support). */
export function isWellFormed(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1); // NaN past the end: fails the range test
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/**
 * True when a database keeps `text` exactly: no NUL (PostgreSQL refuses it) and no lone surrogate (turned
 * into U+FFFD, so two distinct ids such as 'a\uD800' and 'a\uDC00' would share one row).
 */
export function isStorable(text: string): boolean {
  return !text.includes('\0') && isWellFormed(text);
}

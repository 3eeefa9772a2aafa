/**
 * Opaque page cursors: base64url JSON of the last row's sort position. A cursor only ever
 * reaches SQL as bound parameters; a damaged one is refused (decode returns null).
 */
export function encodeCursor(v: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

export function decodeCursor(s: string): Record<string, unknown> | null {
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(s)) return null;
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/** An integer that fits Int64 exactly in a JS number. */
export const isSafeInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

// A batch's rows reach SQL as one bound JSON parameter read with json_each. D1 takes a string of at
// most 1,000,000 bytes, and a 10,000-row batch with long source names is more: such a batch travels
// as several parameters, each under the limit, with its statements repeated in the same transaction.

export const MAX_PARAMETER_BYTES = 900_000;

/** UTF-8 bytes of JSON text, at most: ASCII is one byte, any other UTF-16 unit at most three. */
function utf8Bytes(text: string): number {
  let wide = 0;
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) > 0x7f) wide++;
  return text.length + 2 * wide;
}

/** The rows as JSON arrays, split so that each is at most `maxBytes`; always at least one array. */
export function jsonChunks(rows: readonly unknown[], maxBytes = MAX_PARAMETER_BYTES): string[] {
  // Most batches are far under the limit however their text is written (three bytes a UTF-16 unit
  // at most): one array then, without measuring row by row.
  const whole = JSON.stringify(rows);
  if (whole.length * 3 <= maxBytes) return [whole];
  const chunks: string[] = [];
  let parts: string[] = [];
  let bytes = 2;
  for (const row of rows) {
    const text = JSON.stringify(row);
    const size = utf8Bytes(text) + 1;
    if (parts.length > 0 && bytes + size > maxBytes) {
      chunks.push(`[${parts.join(",")}]`);
      parts = [];
      bytes = 2;
    }
    parts.push(text);
    bytes += size;
  }
  if (parts.length > 0 || chunks.length === 0) chunks.push(`[${parts.join(",")}]`);
  return chunks;
}

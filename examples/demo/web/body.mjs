// Form bodies: application/x-www-form-urlencoded, at most 16 KiB (a larger body fails the request).
const MAX_BODY_BYTES = 16 * 1024;

export async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

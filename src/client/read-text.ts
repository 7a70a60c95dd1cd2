import type { Dispatcher } from 'undici';

/** Read a body as UTF-8 text, up to `limit` bytes; the rest is not read and the body is destroyed. */
export async function readText(
  body: Dispatcher.ResponseData['body'],
  limit: number,
  onBytes: () => void = () => undefined,
): Promise<string> {
  const decoder = new TextDecoder('utf-8');
  let text = '';
  let size = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    onBytes();
    size += chunk.byteLength;
    text += decoder.decode(chunk, { stream: true });
    if (size >= limit) break;
  }
  return text + decoder.decode();
}

// Image type of an uploaded photo, read from its first bytes. The Content-Type a client sends
// is only a claim: an HTML file sent as image/png must be rejected, not stored and served back.
// Pure: no I/O.

export type ImageType = 'image/jpeg' | 'image/png' | 'image/webp';

export const IMAGE_TYPES: readonly ImageType[] = ['image/jpeg', 'image/png', 'image/webp'];

/** File extension stored for each image type. */
export const IMAGE_EXTENSIONS: Record<ImageType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

function startsWith(bytes: Uint8Array, offset: number, expected: readonly number[]): boolean {
  if (bytes.length < offset + expected.length) return false;
  return expected.every((byte, i) => bytes[offset + i] === byte);
}

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

// Signatures: JPEG starts with an SOI marker and a second marker (FF D8 FF); PNG with its 8-byte
// signature and the IHDR chunk, which must come first; WebP with a RIFF header, "WEBP" and a
// VP8, VP8L or VP8X chunk.
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Returns the image type the bytes really have, or null when they are not a JPEG, PNG or WebP image. */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  if (startsWith(bytes, 0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, 0, PNG_SIGNATURE) && startsWith(bytes, 12, ascii('IHDR'))) return 'image/png';
  if (startsWith(bytes, 0, ascii('RIFF')) && startsWith(bytes, 8, ascii('WEBP')) &&
    ['VP8 ', 'VP8L', 'VP8X'].some((chunk) => startsWith(bytes, 12, ascii(chunk)))) return 'image/webp';
  return null;
}

/** Returns the image type for a stored file name, from its extension, or null. */
export function imageTypeOfFile(file: string): ImageType | null {
  const extension = file.slice(file.lastIndexOf('.') + 1);
  return IMAGE_TYPES.find((type) => IMAGE_EXTENSIONS[type] === extension) ?? null;
}

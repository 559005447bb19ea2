/** The largest PFX a form accepts: a certificate with its chain is a few KB; anything near this is not one. */
export const MAX_PFX_BYTES = 150 * 1024;

/** A file's bytes as base64 (how the admin contract carries a PFX). */
export function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read'));
    reader.readAsDataURL(file);
  });
}

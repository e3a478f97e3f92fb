/**
 * Hands a file to the user. In the browser host that is a download (the browser asks where, or
 * saves to its downloads folder); the Electron shell's native save dialog plugs in here through
 * `setNativeSave` once its API is there.
 */
export type NativeSave = (file: { suggestedName: string; blob: Blob; mime: string }) => Promise<'saved' | 'cancelled'>;

let nativeSave: NativeSave | null = null;

export function setNativeSave(save: NativeSave | null): void {
  nativeSave = save;
}

export async function saveFile(
  suggestedName: string,
  blob: Blob,
  mime: string,
): Promise<'saved' | 'cancelled' | 'downloaded'> {
  if (nativeSave) return nativeSave({ suggestedName, blob, mime });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = suggestedName;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The download has started by now; revoke a little later so slow disks still get the bytes.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
  return 'downloaded';
}

/** A file name from a title: letters, digits and dashes. */
export function fileStem(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'figure'
  );
}

import type { WebConfig } from '@chat/protocol';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** Checked before any upload starts, so the user learns at once rather than after a wasted transfer. */
export function checkImage(file: { name: string; type: string; size: number }, config: WebConfig): string | null {
  if (!config.imageTypes.includes(file.type)) {
    const kinds = config.imageTypes.map((t) => t.replace('image/', '').toUpperCase()).join(', ');
    return `“${file.name}” is not an image this chat accepts (${kinds}).`;
  }
  if (file.size === 0) return `“${file.name}” is empty.`;
  if (file.size > config.maxUploadBytes) {
    return `“${file.name}” is ${formatBytes(file.size)}; images can be at most ${formatBytes(config.maxUploadBytes)}.`;
  }
  return null;
}

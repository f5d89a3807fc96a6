import fs from 'node:fs/promises';
import { checkMp4, type Mp4Check } from '../core/mp4-boxes';

/** Runs the in-process MP4 check on a file, reading only box headers and `moov`. */
export async function checkMp4File(file: string): Promise<Mp4Check & { bytes: number }> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const result = await checkMp4({
      size,
      read: async (offset, length) => {
        const buf = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buf, 0, length, offset);
        return buf.subarray(0, bytesRead);
      },
    });
    return { ...result, bytes: size };
  } finally {
    await handle.close();
  }
}

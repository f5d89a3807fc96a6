import fs from 'node:fs/promises';

/** Whether `file` can be reached (fs.access: any kind of entry, any error = no). */
export function fileExists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

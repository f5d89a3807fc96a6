// placeholder replaced below
export async function exportFeedback(_c: unknown, _o: { out: string }): Promise<{ clips: number; skipped: string[] }> {
  throw new Error('not yet');
}

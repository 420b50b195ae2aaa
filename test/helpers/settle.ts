/** A promise's outcome as a value: for tests that expect some of many operations to fail. */
export async function settle<T>(p: Promise<T>): Promise<{ ok: true; v: T } | { ok: false; e: Error }> {
  try {
    return { ok: true, v: await p };
  } catch (e) {
    return { ok: false, e: e as Error };
  }
}

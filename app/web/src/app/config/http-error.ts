/** The API's `{ error: { message } }` body as the user's reason, or the status when there is none. */
export async function errorMessage(res: Response, fallback: string): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    if (body.error?.message) return body.error.message;
  } catch {
    /* not JSON: the status says enough */
  }
  return `${fallback} (HTTP ${res.status})`;
}

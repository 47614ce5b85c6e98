// The reference server's URL, set by the demo site (scripts/lib/demo-site.mjs) through Vite's `define`; null when
// a page is opened some other way.
declare const __BM_SERVER_URL__: string | null | undefined;

export const serverUrl: string | null = typeof __BM_SERVER_URL__ === 'string' ? __BM_SERVER_URL__ : null;

/** Creates (or resets) users through the server's test hook (PROTOCOL.md 2.12) and answers each one's token. */
export async function createTestUsers(
  url: string,
  users: { id: string; displayName: string; role?: string; assigned?: string[] }[],
): Promise<Map<string, string>> {
  const response = await fetch(`${url}/v1/test/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ users }),
  });
  if (!response.ok) throw new Error(`The reference server refused the demo users (${response.status})`);
  const body = (await response.json()) as { users: { id: string; token: string }[] };
  return new Map(body.users.map((user) => [user.id, user.token]));
}

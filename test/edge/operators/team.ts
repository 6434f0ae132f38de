/**
 * What the team's tests share: API tokens of each role, made through the API as an admin makes
 * them, and admin calls with one.
 */
import { admin, relay } from '../helpers.ts';

export type Role = 'viewer' | 'operator' | 'admin';

export async function tokenOf(
  role: Role,
  name = `${role} token`,
  expiresInDays?: number,
): Promise<{ id: string; token: string }> {
  const response = await admin('/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, role, ...(expiresInDays ? { expiresInDays } : {}) }),
  });
  if (response.status !== 201) throw new Error(`token not made: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; token: string };
}

/** An admin call with `token` instead of the owner's. */
export function as(token: string, path: string, init: RequestInit = {}): Promise<Response> {
  return relay(`/v1/admin${path}`, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } });
}

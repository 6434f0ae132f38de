/**
 * Who may do what: every admin route declares its role (read from Hono's own route list), and each
 * role gets what the contract gives it and a 403 naming the role for the rest; a viewer reads a
 * lead with its personal data masked.
 */
import { describe, expect, it } from 'vitest';
import { app } from '../../../edge/app.ts';
import { DECLARES_ROLE } from '../../../edge/operators/roles.ts';
import { admin, leadWhen, postLead, relay, validTakePaymentsLead } from '../helpers.ts';
import { as, type Role, tokenOf } from './team.ts';

describe('admin authorization', () => {
  it('has every admin route declare the role it needs', () => {
    const routes = app.routes.filter((r) => r.path.startsWith('/v1/admin') && r.method !== 'ALL');
    expect(routes.length).toBeGreaterThan(20);
    const undeclared = [...new Set(routes.map((r) => `${r.method} ${r.path}`))].filter(
      (route) =>
        !routes.some(
          (r) =>
            `${r.method} ${r.path}` === route && DECLARES_ROLE in (r.handler as unknown as Record<symbol, unknown>),
        ),
    );
    expect(undeclared).toEqual([]);
  });

  it('answers 401 without credentials, and with a token that is not one', async () => {
    expect((await relay('/v1/admin/leads')).status).toBe(401);
    expect((await as('lct_not-a-token', '/leads')).status).toBe(401);
    expect((await as('owner-guess', '/leads')).status).toBe(401);
  });

  it('gives each role its routes and answers 403 forbidden, naming the role, for the others', async () => {
    const tokens = Object.fromEntries(
      await Promise.all((['viewer', 'operator', 'admin'] as Role[]).map(async (r) => [r, (await tokenOf(r)).token])),
    ) as Record<Role, string>;
    const { leadId } = (await (await postLead('demo-takepayments', validTakePaymentsLead)).json()) as {
      leadId: string;
    };
    await leadWhen(leadId, () => undefined);
    const cases: [string, RequestInit, Role][] = [
      ['/leads', {}, 'viewer'],
      [`/leads/${leadId}`, {}, 'viewer'],
      ['/me', {}, 'viewer'],
      [`/leads/${leadId}/replay`, { method: 'POST' }, 'operator'],
      ['/subjects?email=ada@example.com', {}, 'operator'],
      [`/leads/${leadId}/certificate`, {}, 'operator'],
      ['/tokens', {}, 'admin'],
      ['/audit', {}, 'admin'],
    ];
    const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
    for (const [path, init, needed] of cases) {
      for (const role of ['viewer', 'operator', 'admin'] as Role[]) {
        const response = await as(tokens[role], path, init);
        if (rank[role] >= rank[needed]) {
          expect(response.status, `${role} ${path}`).toBeLessThan(400);
        } else {
          expect(response.status, `${role} ${path}`).toBe(403);
          const { error } = (await response.json()) as { error: { code: string; message: string } };
          expect(error.code).toBe('forbidden');
          expect(error.message).toContain(needed);
        }
      }
    }
  });

  it('shows a viewer the lead with its answers, address, browser and page masked', async () => {
    const { token } = await tokenOf('viewer');
    const { leadId } = (await (await postLead('demo-takepayments', validTakePaymentsLead)).json()) as {
      leadId: string;
    };
    await leadWhen<{ status: string }>(leadId, (l) => expect(l.status).toBe('delivered'));
    const seen = (await (await as(token, `/leads/${leadId}`)).json()) as Record<string, unknown>;
    const text = JSON.stringify(seen);
    for (const personal of ['Lovelace', 'ada@example.com', 'quote?utm_source', 'Analytical'])
      expect(text).not.toContain(personal);
    expect(seen).toMatchObject({
      leadId,
      fields: { email: '•••', lastName: '•••' },
      context: { utm_source: 'google', pageUrl: '•••' },
    });
    const full = (await (await admin(`/leads/${leadId}`)).json()) as { fields: Record<string, string> };
    expect(full.fields.lastName).toBe('Lovelace');
  });
});

import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { dbOf } from '../../../edge/storage/shards.ts';
import { CONSENT_MARKUP_MAX_LENGTH } from '../../../shared/context-keys.ts';
import { countInShards, postLead, validTakePaymentsLead } from '../helpers.ts';
import { pingPostLead, plainLead, TAKEPAYMENTS_MARKUP } from './consented-leads.ts';

async function sha256(text: string) {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function snapshotOf(leadId: string) {
  return dbOf(env, leadId)
    .prepare('SELECT * FROM consent_snapshots WHERE lead_id = ?')
    .bind(leadId)
    .first<{ lead_id: string; markup: string; sha256: string; received_at: string }>();
}

describe('consent snapshots', () => {
  it('keeps the markup a plain lead came with, hashed on receipt, with the lead', async () => {
    const { leadId } = await plainLead({ consentMarkup: TAKEPAYMENTS_MARKUP });
    const lead = await dbOf(env, leadId)
      .prepare('SELECT created_at FROM leads WHERE id = ?')
      .bind(leadId)
      .first<{ created_at: string }>();
    expect(await snapshotOf(leadId)).toEqual({
      lead_id: leadId,
      markup: TAKEPAYMENTS_MARKUP,
      sha256: await sha256(TAKEPAYMENTS_MARKUP),
      received_at: lead?.created_at,
    });
  });

  it('keeps the markup a ping/post lead came with', async () => {
    const markup = '<div class="lc-offers" slot="offers"><p>Choose who may contact you</p></div>';
    const { leadId } = await pingPostLead({ consentMarkup: markup });
    expect(await snapshotOf(leadId)).toMatchObject({ markup, sha256: await sha256(markup) });
  });

  it('keeps none for a lead that came without one', async () => {
    const { leadId } = await plainLead();
    expect(await snapshotOf(leadId)).toBeNull();
  });

  it(`refuses markup over ${CONSENT_MARKUP_MAX_LENGTH} characters with the path and rule, and stores nothing`, async () => {
    const email = `too.long.${crypto.randomUUID()}@example.com`;
    const response = await postLead('demo-takepayments', {
      ...validTakePaymentsLead,
      fields: { ...validTakePaymentsLead.fields, email },
      consentMarkup: 'x'.repeat(CONSENT_MARKUP_MAX_LENGTH + 1),
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; issues: { path: string; rule: string }[] } };
    expect(error.code).toBe('validation_failed');
    expect(error.issues).toContainEqual(expect.objectContaining({ path: 'consentMarkup', rule: 'max_length' }));
    expect(await countInShards('leads', 'instr(fields, ?) > 0', email)).toBe(0);
  });

  it('takes markup of exactly the limit', async () => {
    const markup = 'x'.repeat(CONSENT_MARKUP_MAX_LENGTH);
    const { leadId } = await plainLead({ consentMarkup: markup });
    expect((await snapshotOf(leadId))?.markup).toHaveLength(CONSENT_MARKUP_MAX_LENGTH);
  });

  it('is not written twice when the same lead is sent again with its Idempotency-Key', async () => {
    const body = { ...validTakePaymentsLead, consentMarkup: TAKEPAYMENTS_MARKUP };
    const key = crypto.randomUUID();
    const first = (await (await postLead('demo-takepayments', body, { 'idempotency-key': key })).json()) as {
      leadId: string;
    };
    const again = (await (await postLead('demo-takepayments', body, { 'idempotency-key': key })).json()) as {
      leadId: string;
    };
    expect(again.leadId).toBe(first.leadId);
    const rows = await dbOf(env, first.leadId)
      .prepare('SELECT COUNT(*) AS n FROM consent_snapshots WHERE lead_id = ?')
      .bind(first.leadId)
      .first<{ n: number }>();
    expect(rows?.n).toBe(1);
  });
});

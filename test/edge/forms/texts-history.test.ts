import { describe, expect, it } from 'vitest';
import { demoForms } from '../../../demo/forms/index.ts';
import { admin, adminLead, PAGE_ORIGIN, postLead, relay, validTakePaymentsLead, withForm } from '../helpers.ts';

const base = demoForms.find((f) => f.id === 'demo-takepayments');

/** demo-takepayments under another id, with `text` as its consent wording. */
function formSaying(id: string, text: string) {
  return { ...base, id, consents: [{ name: 'contact', text, required: true }] };
}

interface Texts {
  textsVersion: string;
  firstShownAt: string;
  texts: { consents: { name: string; text: string }[] };
}

describe("a form's texts, kept by version", () => {
  it('keeps the wording each lead consented to after the copy changes', async () => {
    const id = `texts-${crypto.randomUUID().slice(0, 8)}`;
    const first = await withForm(formSaying(id, 'You may call me about card machines.'), async () => {
      const answer = (await (await postLead(id, validTakePaymentsLead)).json()) as { leadId: string };
      return answer.leadId;
    });
    const second = await withForm(formSaying(id, 'You may call or email me about card machines.'), async () => {
      const answer = (await (await postLead(id, validTakePaymentsLead)).json()) as { leadId: string };
      return answer.leadId;
    });
    const [one, two] = await Promise.all([
      adminLead<{ textsVersion: string }>(first),
      adminLead<{ textsVersion: string }>(second),
    ]);
    expect(one.textsVersion).toMatch(/^[0-9a-f]{16}$/);
    expect(two.textsVersion).not.toBe(one.textsVersion);
    const kept = async (version: string) => (await (await admin(`/forms/${id}/texts/${version}`)).json()) as Texts;
    expect((await kept(one.textsVersion)).texts.consents[0]?.text).toBe('You may call me about card machines.');
    expect((await kept(two.textsVersion)).texts.consents[0]?.text).toBe(
      'You may call or email me about card machines.',
    );
  });

  it('keeps the texts a form was shown with, before anyone submits', async () => {
    const id = `shown-${crypto.randomUUID().slice(0, 8)}`;
    await withForm(formSaying(id, 'Only ever shown.'), async () => {
      const shown = (await (await relay(`/v1/forms/${id}`, { headers: { origin: PAGE_ORIGIN } })).json()) as {
        textsVersion: string;
      };
      await expect.poll(async () => (await admin(`/forms/${id}/texts/${shown.textsVersion}`)).status).toBe(200);
      const kept = (await (await admin(`/forms/${id}/texts/${shown.textsVersion}`)).json()) as Texts;
      expect(kept.texts.consents[0]?.text).toBe('Only ever shown.');
    });
  });

  it('answers 404 not_found for a version no consumer was shown', async () => {
    const response = await admin('/forms/demo-takepayments/texts/0000000000000000');
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('is an admin route', async () => {
    expect((await relay('/v1/admin/forms/demo-takepayments/texts/0000000000000000')).status).toBe(401);
  });
});

import { expect } from '@open-wc/testing';
import { type RelayResult, withRetries } from '../../widget/relay-client.ts';
import { type Hurry, hurryWaits } from './hurry.ts';

let hurry: Hurry | undefined;

afterEach(() => {
  hurry?.restore();
  hurry = undefined;
});

/** A send that answers `answers` in turn (the last one again once they run out), and counts its calls. */
function answering(...answers: RelayResult<string>[]) {
  const sent = { count: 0 };
  const send = async () => answers[Math.min(sent.count++, answers.length - 1)] as RelayResult<string>;
  return { sent, send };
}

const refused = (status: number, retryAfterMs?: number): RelayResult<string> => ({
  ok: false,
  error: { code: status === 429 ? 'rate_limited' : 'unavailable', message: 'No', issues: [], status, retryAfterMs },
});
const accepted: RelayResult<string> = { ok: true, value: 'lead-1' };

describe('withRetries', () => {
  it('waits the longer of the backoff and the relay’s Retry-After between tries', async () => {
    hurry = hurryWaits();
    const { sent, send } = answering(refused(503, 200), refused(503, 3000), refused(502), accepted);
    expect(await withRetries(send)).to.deep.equal(accepted);
    expect(hurry.waits).to.deep.equal([500, 3000, 4000]);
    expect(sent.count).to.equal(4);
  });

  it('waits 10 s in all at most, so the relay’s own 503 (Retry-After: 10) is tried once more, then told', async () => {
    hurry = hurryWaits();
    const { sent, send } = answering(refused(503, 10_000));
    expect(await withRetries(send)).to.deep.equal(refused(503, 10_000));
    expect(hurry.waits).to.deep.equal([10_000]);
    expect(sent.count).to.equal(2);
  });

  it('cuts the last wait to what is left of the 10 s', async () => {
    hurry = hurryWaits();
    const { sent, send } = answering(refused(503, 4000));
    await withRetries(send);
    expect(hurry.waits).to.deep.equal([4000, 4000, 2000]);
    expect(sent.count).to.equal(4);
  });

  it('answers a 4xx at once, even one that gives a Retry-After', async () => {
    hurry = hurryWaits();
    const { sent, send } = answering(refused(429, 1000), accepted);
    expect(await withRetries(send)).to.deep.equal(refused(429, 1000));
    expect(hurry.waits).to.deep.equal([]);
    expect(sent.count).to.equal(1);
  });
});

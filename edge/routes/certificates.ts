/**
 * @module `POST /v1/certificates/verify`, public: anyone holding a consent certificate (a buyer of
 * the lead, an auditor) sends it back exactly as the admin route gave it and learns whether this
 * relay signed it, unchanged: `200 { valid }`, nothing else, so the answer carries no personal data
 * and says nothing about what is wrong with a forgery. Each client address may ask a few times a
 * minute through the relay's rate limiter: enough for a person checking certificates, far too few
 * to learn anything by trying.
 */
import { Hono } from 'hono';
import type { VerifyAnswer } from '../../shared/certificate.ts';
import { scopedRateLimit } from '../intake/checks.ts';
import { verifyCertificate } from '../privacy/certificate.ts';
import { type JsonBodyVariables, jsonBody } from '../security/json-body.ts';

/** Checks per client address per minute. */
export const VERIFY_PER_MINUTE = 30;

/**
 * A certificate quotes every consent and offer text and a snapshot of up to 8,192 UTF-16 code units
 * (up to three bytes each in UTF-8, some escaped in JSON): more than a lead's 32 KiB body may hold.
 */
const MAX_CERTIFICATE_BYTES = 128 * 1024;

/** The limiter's bucket for verification; no form id can take it (a form id has no "/"). */
const SCOPE = 'certificates/verify';

export const certificateRoutes = new Hono<{ Bindings: Env; Variables: JsonBodyVariables }>().post(
  '/verify',
  scopedRateLimit(SCOPE, VERIFY_PER_MINUTE),
  jsonBody(MAX_CERTIFICATE_BYTES),
  async (c) => {
    const answer: VerifyAnswer = { valid: await verifyCertificate(c.env.CERTIFICATE_SECRET, c.get('body')) };
    return c.json(answer);
  },
);

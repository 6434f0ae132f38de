/**
 * @module The consent certificate: what `GET /v1/admin/leads/:leadId/certificate` answers as JSON
 * and `POST /v1/certificates/verify` takes back. `certificate` is the evidence; `signature` is
 * HMAC-SHA-256 (hex) over it with every object's keys in sorted order, so a copy whose keys were
 * reordered still verifies and a copy with any value changed does not. It holds no time of issue:
 * asked again, the relay gives the same certificate, signature included, while the lead is unchanged.
 */
import * as z from 'zod/mini';

const sha256Hex = z.string().check(z.regex(/^[0-9a-f]{64}$/));

/** One consent of the form, exactly as shown. `text` is null for a lead stored before texts were kept. */
const certifiedConsentSchema = z.strictObject({
  name: z.string(),
  text: z.nullable(z.string()),
  sha256: z.nullable(sha256Hex),
  required: z.nullable(z.boolean()),
  ticked: z.boolean(),
});

/** One offer of a ping/post lead: its seller, its consent text exactly as shown, and whether chosen. */
const certifiedOfferSchema = z.strictObject({
  offerId: z.string(),
  companyName: z.string(),
  text: z.string(),
  sha256: sha256Hex,
  chosen: z.boolean(),
});

export const certificateBodySchema = z.strictObject({
  /** Changes only if the meaning of a field changes. */
  version: z.literal(1),
  leadId: z.string(),
  formId: z.string(),
  /** The version of the form's texts the consumer was shown (GET /v1/admin/forms/:formId/texts/:textsVersion). */
  textsVersion: z.nullable(z.string()),
  /** When the relay received the consent, UTC (ISO 8601). */
  consentedAt: z.string(),
  ip: z.nullable(z.string()),
  userAgent: z.nullable(z.string()),
  pageUrl: z.nullable(z.string()),
  consents: z.array(certifiedConsentSchema),
  /** Empty for a lead that answered no ping. */
  offers: z.array(certifiedOfferSchema),
  /** TrustedForm's certificate URL and Jornaya's LeadiD, when the partner's page had them. */
  consentTokens: z.strictObject({ xxTrustedFormCertUrl: z.optional(z.string()), leadid_token: z.optional(z.string()) }),
  /**
   * The consent section's markup as the consumer's browser reported it at submit, with the SHA-256
   * the relay took on receipt; null when the widget sent none.
   */
  snapshot: z.nullable(z.strictObject({ markup: z.string(), sha256: sha256Hex, receivedAt: z.string() })),
});
export type CertificateBody = z.infer<typeof certificateBodySchema>;

export const signedCertificateSchema = z.strictObject({
  certificate: certificateBodySchema,
  signature: z.string(),
});
export type SignedCertificate = z.infer<typeof signedCertificateSchema>;

/** What `POST /v1/certificates/verify` answers: nothing but the verdict. */
export const verifyAnswerSchema = z.strictObject({ valid: z.boolean() });
export type VerifyAnswer = z.infer<typeof verifyAnswerSchema>;

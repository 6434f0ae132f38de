/**
 * @module A consent certificate as a page to read and print: semantic HTML only, with no script and
 * no style, so the relay's own Content-Security-Policy (`default-src 'none'`) blocks nothing on it.
 * Every value is escaped; the snapshot is shown as the markup it is, never rendered, since a browser
 * sent it.
 */
import { html } from 'hono/html';
import type { SignedCertificate } from '../../shared/certificate.ts';

const yesNo = (value: boolean | null) => (value === null ? 'unknown' : value ? 'Yes' : 'No');
const orNone = (value: string | null) => value ?? 'not known (or erased)';

export function certificatePage({ certificate: c, signature }: SignedCertificate) {
  const tokens = [
    ['TrustedForm certificate', c.consentTokens.xxTrustedFormCertUrl],
    ['Jornaya LeadiD', c.consentTokens.leadid_token],
  ].filter((token): token is [string, string] => token[1] !== undefined);
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Consent certificate for lead ${c.leadId}</title></head>
<body>
<main>
<h1>Consent certificate</h1>
<p>Lead <code>${c.leadId}</code> on form <code>${c.formId}</code>, texts version <code>${orNone(c.textsVersion)}</code>.</p>
<dl>
<dt>Consent received (UTC)</dt><dd><time datetime="${c.consentedAt}">${c.consentedAt}</time></dd>
<dt>IP address</dt><dd>${orNone(c.ip)}</dd>
<dt>Browser (user agent)</dt><dd>${orNone(c.userAgent)}</dd>
<dt>Page</dt><dd>${orNone(c.pageUrl)}</dd>
</dl>
<h2>Consent texts</h2>
${
  c.consents.length === 0
    ? html`<p>The form asked for no consent of its own.</p>`
    : html`<table>
<thead><tr><th scope="col">Consent</th><th scope="col">Text exactly as shown</th><th scope="col">SHA-256 of the text</th><th scope="col">Required</th><th scope="col">Ticked</th></tr></thead>
<tbody>${c.consents.map(
        (consent) =>
          html`<tr><th scope="row">${consent.name}</th><td>${orNone(consent.text)}</td><td><code>${orNone(consent.sha256)}</code></td><td>${yesNo(consent.required)}</td><td>${yesNo(consent.ticked)}</td></tr>`,
      )}</tbody>
</table>`
}
${
  c.offers.length === 0
    ? ''
    : html`<h2>Offers shown</h2>
<table>
<thead><tr><th scope="col">Seller</th><th scope="col">Consent text exactly as shown</th><th scope="col">SHA-256 of the text</th><th scope="col">Chosen</th></tr></thead>
<tbody>${c.offers.map(
        (offer) =>
          html`<tr><th scope="row">${offer.companyName} <small>(${offer.offerId})</small></th><td>${offer.text}</td><td><code>${offer.sha256}</code></td><td>${yesNo(offer.chosen)}</td></tr>`,
      )}</tbody>
</table>`
}
${
  tokens.length === 0
    ? ''
    : html`<h2>Consent tokens from the partner's page</h2>
<dl>${tokens.map(([name, value]) => html`<dt>${name}</dt><dd><code>${value}</code></dd>`)}</dl>`
}
<h2>What the consumer saw</h2>
${
  c.snapshot
    ? html`<p>The consent section's markup as the consumer's browser reported it when they submitted, received
<time datetime="${c.snapshot.receivedAt}">${c.snapshot.receivedAt}</time>, SHA-256 <code>${c.snapshot.sha256}</code>:</p>
<p><code>${c.snapshot.markup}</code></p>`
    : html`<p>The widget sent no snapshot of the consent section with this lead.</p>`
}
<h2>Signature</h2>
<p>HMAC-SHA-256 <code>${signature}</code>. To check this certificate, ask this address for it as
<code>application/json</code> (the same certificate, with this signature) and send that JSON, unchanged, to
<code>POST /v1/certificates/verify</code>.</p>
</main>
</body>
</html>`;
}

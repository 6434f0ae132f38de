/**
 * @module `GET /v1/admin/leads/:leadId/certificate` (Bearer `ADMIN_TOKEN`): a lead's consent
 * certificate, as signed JSON or as a page to print, whichever the `Accept` header prefers (JSON
 * when it names neither).
 */
import { Hono } from 'hono';
import { accepts } from 'hono/accepts';
import { requires } from '../operators/roles.ts';
import { signCertificate } from '../privacy/certificate.ts';
import { certificatePage } from '../privacy/certificate-page.ts';
import { leadCertificate } from './admin-lead.ts';

export const adminCertificateRoutes = new Hono<{ Bindings: Env }>().get(
  '/leads/:leadId/certificate',
  requires('operator'),
  async (c) => {
    const certificate = await leadCertificate(c.env, c.req.param('leadId'));
    const signed = await signCertificate(c.env.CERTIFICATE_SECRET, certificate);
    // One address, two representations: a cache must key them by what was asked for.
    c.header('Vary', 'Accept');
    const type = accepts(c, {
      header: 'Accept',
      supports: ['application/json', 'text/html'],
      default: 'application/json',
    });
    return type === 'text/html' ? c.html(certificatePage(signed)) : c.json(signed);
  },
);

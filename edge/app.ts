/**
 * @module The relay's HTTP API (version 1), as `../shared/DESIGN.md` fixes it.
 */
import { Hono } from 'hono';
import { ApiError, errorResponse } from './errors.ts';
import { adminRoutes } from './routes/admin.ts';
import { adminCertificateRoutes } from './routes/admin-certificates.ts';
import { certificateRoutes } from './routes/certificates.ts';
import { eventRoutes } from './routes/events.ts';
import { formRoutes } from './routes/forms.ts';
import { healthRoutes } from './routes/health.ts';
import { leadRoutes } from './routes/leads.ts';
import { pingPostRoutes } from './routes/ping-post.ts';
import { securityHeaders } from './security/headers.ts';

export const app = new Hono<{ Bindings: Env }>()
  .use('*', securityHeaders())
  .route('/v1/health', healthRoutes)
  .route('/v1/forms', formRoutes)
  .route('/v1/forms', leadRoutes)
  .route('/v1/forms', pingPostRoutes)
  .route('/v1/forms', eventRoutes)
  .route('/v1/certificates', certificateRoutes)
  .route('/v1/admin', adminRoutes)
  .route('/v1/admin', adminCertificateRoutes)
  .notFound(() => new ApiError('not_found', 'No such route').toResponse())
  .onError(errorResponse);

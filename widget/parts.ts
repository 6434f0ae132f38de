/**
 * @module The parts of the widget that only some forms need, loaded when a form needs one: LeadExec's
 * ping → offers → post (controllers/offers-controller.ts) and Cloudflare Turnstile (turnstile.ts).
 * Here as dynamic imports, which the npm build and an SPA's bundler split off; the script-tag build
 * loads them as scripts beside widget.js instead (parts/script-loader.ts).
 */
import type { OffersController } from './controllers/offers-controller.ts';
import type { Turnstile } from './turnstile.ts';

export const loadOffers = (): Promise<typeof OffersController> =>
  import('./controllers/offers-controller.ts').then((m) => m.OffersController);

export const loadTurnstile = (): Promise<typeof Turnstile> => import('./turnstile.ts').then((m) => m.Turnstile);

/** @module The script-tag build's `widget-turnstile.js`: Cloudflare Turnstile. */
import { Turnstile } from '../turnstile.ts';
import { handOver } from './from-widget.ts';

handOver(Turnstile);

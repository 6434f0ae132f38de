/** @module The script-tag build's `widget-offers.js`: LeadExec's ping → offers → post. */
import { OffersController } from '../controllers/offers-controller.ts';
import { handOver } from './from-widget.ts';

handOver(OffersController);

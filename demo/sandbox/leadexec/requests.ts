/**
 * @module How the LeadExec simulator reads requests, JSON and XML, with entity processing off.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { Context } from 'hono';
import type { Format, IncomingLead, IncomingRequest, Source } from './model.ts';

export const UNCOVERED_ZIP = '00000';
const CALL_ELEMENTS: Record<string, string> = {
  IVRNumber: 'ivrNumber',
  CallDuration: 'callDuration',
  CallResult: 'callResult',
  CallDate: 'callDate',
  RecordingUrl: 'recordingUrl',
};
export const XMLNS = {
  '@_xmlns:i': 'http://www.w3.org/2001/XMLSchema-instance',
  '@_xmlns': 'http://schemas.datacontract.org/2004/07/LeadExec.LeadReceiver.API.Models',
};
export const XMLNS_RESULTS = {
  '@_xmlns:d2p1': 'http://schemas.datacontract.org/2004/07/LeadImportService.Core.Classes',
};

const PREDEFINED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-fA-F]+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return PREDEFINED_ENTITIES[name] ?? whole;
  });
}

// Entities off (a DTD in a request is never expanded); the five predefined ones decoded by hand.
const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  ignoreDeclaration: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  isArray: (name) => name === 'Lead',
  tagValueProcessor: (_name, value) => decodeEntities(value),
  attributeValueProcessor: (_name, value) => decodeEntities(value),
});
export const xmlBuilder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true });

export function formatOf(c: Context): Format {
  const type = c.req.header('content-type') ?? c.req.header('accept') ?? '';
  return type.includes('xml') ? 'xml' : 'json';
}

export function positive(value: unknown): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** `source.sendDelay`: a number of hours, 0 or more. JSON must send a number; XML sends text. */
function sendDelayOf(value: unknown, format: Format): Source['sendDelay'] {
  if (value === undefined || value === null) return format === 'xml' ? 0 : 'missing';
  if (format === 'json' && typeof value !== 'number') return 'invalid';
  if (format === 'xml' && (typeof value !== 'string' || value.trim() === '')) return 'invalid';
  const hours = Number(value);
  return Number.isFinite(hours) && hours >= 0 ? hours : 'invalid';
}

function asFields(value: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!value || typeof value !== 'object') return fields;
  for (const [name, v] of Object.entries(value)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields[name] = String(v);
  }
  return fields;
}

export function readJson(text: string): IncomingRequest | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!body || typeof body !== 'object') return undefined;
  const { source, leads } = body as { source?: Record<string, unknown>; leads?: unknown };
  if (!Array.isArray(leads)) return undefined;
  return {
    source: {
      vid: positive(source?.vid),
      lid: positive(source?.lid),
      aid: positive(source?.aid),
      sendDelay: sendDelayOf(source?.sendDelay, 'json'),
    },
    leads: leads.map((lead: { properties?: unknown; fields?: unknown }) => ({
      properties: lead?.properties && typeof lead.properties === 'object' ? { ...lead.properties } : {},
      fields: asFields(lead?.fields),
    })),
  };
}

function readXmlLead(lead: Record<string, unknown>): IncomingLead {
  const properties: Record<string, unknown> = {};
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(lead)) {
    if (name.startsWith('@_')) {
      const attribute = name.slice(2);
      if (attribute === 'offerids') properties.offerIds = String(value).split('|').filter(Boolean);
      else if (attribute === 'orderID') properties.orderId = String(value);
      else if (attribute === 'noSell' || attribute === 'processDelivery') properties[attribute] = value === 'true';
      else properties[attribute] = String(value);
    } else if (CALL_ELEMENTS[name]) {
      properties[CALL_ELEMENTS[name]] = String(value);
    } else if (typeof value === 'string') {
      fields[name] = value;
    }
  }
  return { properties, fields };
}

export function readXml(text: string): IncomingRequest | undefined {
  let document: { Leads?: Record<string, unknown> };
  try {
    document = xmlParser.parse(text);
  } catch {
    return undefined;
  }
  const root = document.Leads;
  if (!root || typeof root !== 'object') return undefined;
  const leads = Array.isArray(root.Lead) ? (root.Lead as Record<string, unknown>[]) : [];
  return {
    source: {
      vid: positive(root['@_vid']),
      lid: positive(root['@_lid']),
      aid: positive(root['@_aid']),
      sendDelay: sendDelayOf(root['@_sendDelay'], 'xml'),
    },
    leads: leads.map((lead) => readXmlLead(typeof lead === 'object' && lead ? lead : {})),
  };
}

/**
 * @module LeadExec requests: the JSON and XML bodies of inserts, updates and pings.
 */
import { callProvider, type ProviderReply } from '../http.ts';
import type { LeadExecCall, LeadExecOptions } from './options.ts';

/** `leads[].properties`, in the document's names. */
export interface LeadProperties {
  reference?: string;
  noSell?: boolean;
  orderId?: string;
  offerIds?: readonly string[];
  ivrNumber?: number;
  callDuration?: number;
  callResult?: string;
  callDate?: string;
  recordingUrl?: string;
  leadUID?: number;
  processDelivery?: boolean;
}

/** Which `source` an endpoint takes: inserts all of it, ping and duplicate check no delay, update ids only. */
type SourceShape = 'insert' | 'query' | 'update';

export interface RequestSpec {
  method: 'POST' | 'PUT' | 'GET';
  path: string;
  source?: SourceShape;
  properties?: LeadProperties;
  fields?: Record<string, string>;
}

function sourceOf(options: LeadExecOptions, shape: SourceShape): Record<string, number | string> {
  if (shape === 'update') return { vid: options.vid, lid: options.lid };
  const source: Record<string, number | string> = { vid: options.vid };
  if (options.aid !== undefined) source.aid = options.aid;
  source.lid = options.lid;
  if (shape === 'query') return source;
  source.sendDelay = options.sendDelay;
  if (options.returnURL) source.returnURL = options.returnURL;
  return source;
}

function jsonBody(spec: Required<Pick<RequestSpec, 'source'>> & RequestSpec, options: LeadExecOptions): string {
  return JSON.stringify({
    source: sourceOf(options, spec.source),
    leads: [{ properties: spec.properties ?? {}, fields: spec.fields ?? {} }],
  });
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

/**
 * One element around markup already written, its attributes escaped (&, <, >, " and '). Written
 * by hand rather than with fast-xml-parser's builder: a request is two levels of elements whose
 * names the options schema has already restricted to [A-Za-z0-9_], and the builder with what it
 * brings is some 4 KB gzip of the Worker's bundle. Reading answers stays with the library's parser.
 */
function xmlElement(name: string, attributes: Record<string, string>, markup: string): string {
  const written = Object.entries(attributes).map(([key, value]) => ` ${key}="${escapeXml(value)}"`);
  return `<${name}${written.join('')}>${markup}</${name}>`;
}

/** Property → XML attribute on `<Lead>`, as the post example writes them (`offerids`, `orderID`). */
function leadAttributes(properties: LeadProperties): Record<string, string> {
  const attributes: Record<string, string> = {};
  if (properties.reference !== undefined) attributes.reference = properties.reference;
  if (properties.offerIds?.length) attributes.offerids = properties.offerIds.join('|');
  if (properties.orderId !== undefined) attributes.orderID = properties.orderId;
  if (properties.noSell) attributes.noSell = 'true';
  if (properties.leadUID !== undefined) attributes.leadUID = String(properties.leadUID);
  if (properties.processDelivery) attributes.processDelivery = 'true';
  return attributes;
}

/** Call data → the child elements the call lead example shows. */
function callElements(properties: LeadProperties): Record<string, string> {
  const elements: Record<string, string> = {};
  if (properties.ivrNumber !== undefined) elements.IVRNumber = String(properties.ivrNumber);
  if (properties.callDuration !== undefined) elements.CallDuration = String(properties.callDuration);
  if (properties.callResult !== undefined) elements.CallResult = properties.callResult;
  if (properties.callDate !== undefined) elements.CallDate = properties.callDate;
  if (properties.recordingUrl !== undefined) elements.RecordingUrl = properties.recordingUrl;
  return elements;
}

function xmlBody(spec: Required<Pick<RequestSpec, 'source'>> & RequestSpec, options: LeadExecOptions): string {
  const source = sourceOf(options, spec.source);
  // In the order the examples write them: vid, lid, aid; then what they do not show, if set.
  const leadsAttributes: Record<string, string> = {};
  for (const name of ['vid', 'lid', 'aid', 'sendDelay', 'returnURL']) {
    const value = source[name];
    if (value === undefined || (name === 'sendDelay' && value === 0)) continue;
    leadsAttributes[name] = String(value);
  }
  const properties = spec.properties ?? {};
  const children = { ...callElements(properties), ...spec.fields };
  const lead = Object.entries(children).map(([name, value]) => xmlElement(name, {}, escapeXml(value)));
  return xmlElement('Leads', leadsAttributes, xmlElement('Lead', leadAttributes(properties), lead.join('')));
}

function headersFor(options: LeadExecOptions, apiKey: string, withBody: boolean): Record<string, string> {
  const type = options.format === 'xml' ? 'application/xml' : 'application/json';
  const headers: Record<string, string> = { accept: type };
  if (withBody) headers['content-type'] = type;
  if (options.format === 'xml') headers.authorization = `Bearer ${apiKey}`;
  else headers['api-key'] = apiKey;
  return headers;
}

export async function send(call: LeadExecCall, spec: RequestSpec): Promise<ProviderReply> {
  const { options, baseUrl, apiKey, signal, transport } = call;
  let body: string | undefined;
  if (spec.source) {
    const withSource = { ...spec, source: spec.source };
    body = options.format === 'xml' ? xmlBody(withSource, options) : jsonBody(withSource, options);
  }
  // The accept example sends a content type with no body; status is a GET with none.
  const headers = headersFor(options, apiKey, spec.method !== 'GET');
  return callProvider(`${baseUrl}${spec.path}`, { method: spec.method, headers, body }, signal, transport);
}

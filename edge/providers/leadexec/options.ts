/**
 * @module LeadExec destination options (format, mode, field map, consent-token fields) and the lead fields they make.
 */
import * as z from 'zod';
import { CONSENT_TOKEN_KEYS } from '../../../shared/context-keys.ts';
import type { CanonicalLead, ProviderContext } from '../types.ts';

export const RESPONSE_TYPES = [
  'No_Error',
  'System_ID_Missing',
  'LeadType_ID_Missing',
  'Vendor_ID_Missing',
  'No_Account_Found',
  'Outside_Criteria',
  'Duplicate_Lead',
  'Account_Disabled',
  'Post_Over_Max',
  'Data_Errors',
] as const;
export type ResponseType = (typeof RESPONSE_TYPES)[number];

/** A LeadExec field name: also an XML element name, so letters, digits and `_` only. */
const leadExecFieldName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a LeadExec field name (A-Z, 0-9, _)');

/**
 * LeadExec field ← form field, unless `fieldMap` says otherwise. Fields are "dynamic" per posting
 * document; these are the names the document's own examples use (FirstName, LastName, Email, Phone,
 * State, Zip) plus the usual address lines.
 */
export const DEFAULT_FIELD_MAP: Readonly<Record<string, string>> = {
  FirstName: 'firstName',
  LastName: 'lastName',
  Email: 'email',
  Phone: 'phone',
  Address: 'address',
  City: 'city',
  State: 'state',
  Zip: 'zip',
};

/** The LeadExec fields a form must ask for: what the document's examples send on every insert. */
export const REQUIRED_FIELDS = ['FirstName', 'LastName', 'Email', 'Phone', 'Zip'] as const;

/** For `mode: "calldata"`: the form fields that describe the call (document: "Create Call Lead"). */
export const CALL_FIELDS = {
  callDuration: 'callDuration',
  callResult: 'callResult',
  callDate: 'callDate',
  recordingUrl: 'recordingUrl',
} as const;

export const leadExecOptionsSchema = z
  .strictObject({
    /** `source.vid`, the source identifier LeadExec gave you. Required. */
    vid: z.int().positive(),
    /** `source.lid`, the lead type identifier. Required. */
    lid: z.int().positive(),
    /** `source.aid`, the campaign identifier. Optional, but the duplicate check needs it. */
    aid: z.int().positive().optional(),
    /** `source.sendDelay`: hours LeadExec waits before sending the lead on. Default 0. */
    sendDelay: z.number().nonnegative().default(0),
    /** `source.returnURL`: LeadExec calls it when async processing ends. Default: none. */
    returnURL: z.url({ protocol: /^https$/ }).optional(),
    /** Request and answer format. Default `json`. */
    format: z.enum(['json', 'xml']).default('json'),
    /** Which insert a delivery uses: general, with sends, call transfer or call lead. Default `general`. */
    mode: z.enum(['general', 'sends', 'transfer', 'calldata']).default('general'),
    /** `lead.properties.noSell`: keep LeadExec from delivering the lead on. Default false. */
    noSell: z.boolean().default(false),
    /** `lead.properties.ivrNumber`, the inbound number called; required for `mode: "calldata"`. */
    ivrNumber: z.int().positive().optional(),
    /** LeadExec field name → form field name, over DEFAULT_FIELD_MAP. Default: none. */
    fieldMap: z.record(leadExecFieldName, z.string()).default({}),
    /** The form uses ping/post (offers shown before submit). Default false. */
    pingPost: z.boolean().default(false),
    /** Form fields a ping sends: never contact details. Default `state`, `zip`. */
    pingFields: z.array(z.string()).default(['state', 'zip']),
    /**
     * For `mode: "sends"` and `"transfer"`, whose answer is for the consumer (the buyer's page, the
     * agent): how long the consumer waits for the first attempt, made inside the request. Default 3000.
     */
    handoffTimeoutMs: z.int().min(500).max(10_000).default(3000),
    /**
     * LeadExec field ← consent token the widget found on the partner's page: `xxTrustedFormCertUrl`
     * (TrustedForm's certificate URL; LeadExec's TrustedForm integration claims it from the field
     * each lead type maps) and `leadid_token` (Jornaya's LeadiD). Each goes on every insert that has
     * it, the post included, only when named here. Default: none.
     */
    consentTokenFields: z
      .strictObject({ xxTrustedFormCertUrl: leadExecFieldName.optional(), leadid_token: leadExecFieldName.optional() })
      .default({}),
  })
  .superRefine((options, ctx) => {
    if (options.mode === 'calldata' && options.ivrNumber === undefined) {
      ctx.addIssue({ code: 'custom', path: ['ivrNumber'], message: 'mode "calldata" needs the ivrNumber called' });
    }
    // A token must not overwrite an answer, nor an answer a token: each LeadExec field has one source.
    const answered = fieldMapOf(options);
    for (const [token, field] of Object.entries(options.consentTokenFields)) {
      if (field && answered[field] !== undefined) {
        const message = `"${field}" already carries the form field "${answered[field]}"`;
        ctx.addIssue({ code: 'custom', path: ['consentTokenFields', token], message });
      }
    }
  });
export type LeadExecOptions = z.infer<typeof leadExecOptionsSchema>;

/** What every endpoint function needs: the destination's options, base URL, key and a deadline. */
export type LeadExecCall = ProviderContext<LeadExecOptions>;

export function fieldMapOf(options: Pick<LeadExecOptions, 'fieldMap'>): Record<string, string> {
  return { ...DEFAULT_FIELD_MAP, ...options.fieldMap };
}

/** The consent tokens a lead carries, under the LeadExec fields `consentTokenFields` names for them. */
export function consentTokenFieldsOf(
  context: CanonicalLead['context'],
  options: LeadExecOptions,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const token of CONSENT_TOKEN_KEYS) {
    const field = options.consentTokenFields[token];
    const value = context[token];
    if (field && value) out[field] = value;
  }
  return out;
}

/** What a duplicate check compares: the lead's email and phone, under LeadExec's names, wherever the form keeps them. */
export function duplicateCheckFields(
  fields: CanonicalLead['fields'],
  options: LeadExecOptions,
): Record<string, string> {
  const map = fieldMapOf(options);
  return leadExecFields(
    fields,
    options,
    [map.Email, map.Phone].filter((n): n is string => Boolean(n)),
  );
}

/** The lead's fields under LeadExec's names; `only` limits them to some form fields (a ping's). */
export function leadExecFields(
  fields: CanonicalLead['fields'],
  options: LeadExecOptions,
  only?: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, source] of Object.entries(fieldMapOf(options))) {
    if (only && !only.includes(source)) continue;
    const value = fields[source];
    if (typeof value === 'string' && value !== '') out[name] = value;
    else if (typeof value === 'boolean') out[name] = String(value);
  }
  return out;
}

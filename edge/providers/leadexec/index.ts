/**
 * @module LeadExec lead receiver (v2), from `leadexec-lead-receiver-api.txt`: all ten endpoints, in
 * JSON (`api-key` header) or XML (`authorization: Bearer <key>`, as the XML examples show), as the
 * destination's `format` says. Paths after LEADEXEC_BASE_URL, as the JSON examples give them (the XML
 * examples copy `/v2/insert/general` into every request line):
 *
 *   POST /v2/insert/general                    insert, insert with sends, inbound post
 *   POST /v2/insert/transfer                   call transfer
 *   POST /v2/insert/calldata                   call lead
 *   PUT  /v2/update                            update
 *   POST /v2/insert/ping                       inbound ping
 *   POST /v2/duplicate/check                   duplicate check
 *   GET  /v2/status/{id}                       request status
 *   PUT  /v2/leads/{leadUID}/offers/{offerId}/accept
 *
 * Every endpoint function answers a LeadExecOutcome: the answer read into its result (whatever it
 * says), or `rejected` (401/403, or another 4xx we cannot read) or `retryable` (5xx, 429, an
 * unreadable 2xx, a 3xx). Only a thrown network error or timeout escapes, which the consumer retries.
 *
 * Choices where the document is ambiguous or silent:
 * - Insert with sends: its JSON example posts to `/v2/insert/general` too, so it is the general
 *   insert read for `sends` (LeadExec returns them once the account is approved for the feature).
 *   The inbound post is the general insert with `orderId` and `offerIds` in the lead's properties.
 * - A result is delivered only when `isValid` is true and `responseType` is `No_Error` (or empty, as
 *   in the document's own examples); `isValid: false` is never delivered; a `responseType` naming a
 *   failure wins over `isValid: true`. The reference is LeadExec's `leadId`; our lead id travels as
 *   the lead's `reference` property, which the document offers "for reporting purposes".
 * - `Post_Over_Max` is retryable, not rejected: it says a posting cap was reached, not that the lead
 *   is bad, and caps lift (daily or hourly). Rejected would be final and not replayable; retryable
 *   backs off, and once the attempts run out the lead shows failed and an admin can replay it.
 * - The other nine failure types (Duplicate_Lead, Outside_Criteria, Data_Errors, System_ID_Missing,
 *   LeadType_ID_Missing, Vendor_ID_Missing, No_Account_Found, Account_Disabled, and any type the
 *   document does not list) are rejected with `"<responseType>: <responseMessage>"`.
 * - An unreadable 2xx is retryable: we cannot tell whether LeadExec kept the lead, and losing one is
 *   worse than a retry that LeadExec may answer with Duplicate_Lead.
 * - Request status takes the `requestId` of the insert's answer (the document: "Request identifier
 *   received from the create lead response"), not the lead id; `requestIdOf` finds it in a stored
 *   answer.
 * - XML results use other names than JSON (`LeadIdentifier`/`leadId`, `CampaignID`/`campaignId`,
 *   `OrderID`/`orderId`, `Id`/`offerId`, `ClientUID`/`clientId`, `TCPAInformation`, `PrivacyUrl`…);
 *   they are renamed to the JSON names and read by the same zod schema, with "true"/"True" and
 *   numeric text accepted where JSON has booleans and numbers. Root and item element names
 *   (`LeadReceiverResult`, `d2p1:PostResponse`, …) are not checked: only their content matters.
 * - The XML call-transfer example shows `<Sends>` (copied from the sends example) where the JSON
 *   has `client` with agents: both are read as `client`.
 * - XML requests: `<Leads vid lid aid><Lead reference offerids="a|b" orderID>…fields…</Lead></Leads>`
 *   as the document shows; call data as the child elements it shows (`IVRNumber`, `CallDuration`,
 *   `CallResult`, `CallDate`, plus `RecordingUrl`). The document shows no XML for `sendDelay`,
 *   `returnURL`, `noSell`, update, status or accept offer: they follow the same pattern (attributes
 *   `sendDelay`/`returnURL` on `<Leads>` and `noSell`/`leadUID`/`processDelivery` on `<Lead>`, sent
 *   only when they differ from the default), and the bodiless status and accept calls ask for XML.
 * - XML answers are parsed with entity processing off, so a DTD in an answer can define nothing we
 *   expand; only XML's five predefined entities and character references are decoded, by hand,
 *   and a character XML does not allow (`&#1;`, `&#xD800;`, written out or referenced) becomes U+FFFD.
 * - The duplicate check table names an `access_token` header; its example sends `api-key`, as here.
 * - `returnURL` comes only from configuration, never from a lead or a client.
 * - Consent tokens (a TrustedForm certificate URL, a Jornaya LeadiD): the document names no field
 *   for them (fields are "dynamic" per posting document), so each goes in the field the
 *   destination's `consentTokenFields` names, as an ordinary field of the insert or post.
 */

export { deliveryResultOf, type InsertOutcome, insertForMode, leadexec, requestIdOf } from './adapter.ts';
export {
  type AcceptOfferResult,
  type Answer,
  acceptOfferResultSchema,
  type DuplicateResult,
  duplicateResultSchema,
  type LeadExecOutcome,
  type LeadResult,
  leadResultSchema,
  type Offer,
  offerSchema,
  type PingResult,
  parseAcceptOfferResponse,
  parseDuplicateResponse,
  parseLeadResponse,
  parsePingResponse,
  parseSendsResponse,
  parseStatusResponse,
  parseTransferResponse,
  pingResultSchema,
  type SendsResult,
  type StatusResult,
  sendSchema,
  sendsResultSchema,
  statusResultSchema,
  type TransferResult,
  tcpaInformationSchema,
  transferClientSchema,
  transferResultSchema,
} from './answers.ts';
export {
  acceptOffer,
  type CallDetails,
  checkDuplicate,
  insertCallLead,
  insertCallTransfer,
  insertLead,
  insertLeadWithSends,
  type LeadInput,
  requestStatus,
  sendPing,
  updateLead,
} from './endpoints.ts';
export {
  DEFAULT_FIELD_MAP,
  duplicateCheckFields,
  type LeadExecCall,
  type LeadExecOptions,
  leadExecFields,
  leadExecOptionsSchema,
  RESPONSE_TYPES,
  type ResponseType,
} from './options.ts';
export type { LeadProperties } from './requests.ts';

/**
 * @module LeadExec lead receiver (v2) simulator, from `leadexec-lead-receiver-api.txt`: all ten
 * endpoints, answering JSON or XML as the request's content type (or, with no body, its accept
 * header) asks. JSON authenticates with `api-key`, XML with `authorization: Bearer`; anything else
 * is 401. Like LeadExec it says no with HTTP 200 and `isValid: false`: a missing vid or lid
 * (Vendor_ID_Missing, LeadType_ID_Missing), a missing or invalid `sendDelay` on an insert, a missing
 * or malformed field (Data_Errors), an email or phone it has seen before (Duplicate_Lead). A ping
 * answers an order that expires (five minutes by default) with two offers and their TCPA texts; a
 * post must name a live order and only its offers.
 * The simulated account is its `settings`:
 * - Which fields an insert needs comes from the posting document LeadExec gives each account, not
 *   from the API document: by default FirstName and LastName, the fields every insert example shows
 *   (`requiredFields`), or per lead type (`requiredFieldsByLeadType`). Email and Phone, when sent,
 *   must be well formed.
 * - `sendDelay` is required on every insert (the tables say so). JSON must carry it, a number of
 *   hours of 0 or more; the XML examples carry none, so there it is an optional `sendDelay` attribute.
 * - Insert with sends posts to `/v2/insert/general` like the document's example, so sends come back
 *   only for a source approved for them (the document: "requires approval"): by default the vid and
 *   lid of every demo form's LeadExec destination with `mode: "sends"` (`sendsApprovedSources`), or
 *   every source once `sendsApproved` is set. Each send that gives a redirect URL gives an https one.
 * - Consent tokens are ordinary fields the posting document types (`consentTokenFields`): taken
 *   and kept with the lead when they hold a TrustedForm certificate URL or a Jornaya LeadiD,
 *   Data_Errors when they hold anything else.
 * XML answers are named as the document's XML examples name them: the call transfer answers its
 * clients as `<Sends><Send>` (ClientUID, ClientName, RedirectURL, Valid, Price, as the example shows)
 * with the agent the JSON names added as `<AgentName>` and `<AgentPhone>`.
 * Where the document shows no XML (update, status, accept offer) the same naming pattern is used.
 */
export {
  DEFAULT_REQUIRED_FIELDS,
  demoSendsSources,
  type LeadExecSimulatorSettings,
  type LeadExecSource,
} from './model.ts';
export { UNCOVERED_ZIP } from './requests.ts';
export { leadExecSimulator } from './simulator.ts';

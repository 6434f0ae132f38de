/**
 * @module What a viewer sees of a lead: everything but its personal data (DESIGN: answers, IP, user
 * agent, page URL), each value of which reads `•••`, so the shape of the lead and its story stay
 * readable. The same fields `stripView` removes (privacy/personal-data.ts), masked instead.
 */
import type { LeadView } from '../archive/lead-record.ts';

export const MASK = '•••';

const masked = <T>(value: T): T | typeof MASK => (value === null || value === undefined ? value : MASK);

export function maskView<V extends LeadView>(view: V): V {
  const delivery = (d: LeadView['deliveries'][number]) => ({
    ...d,
    ...('parameters' in d ? { parameters: masked(d.parameters) } : {}),
    lastError: masked(d.lastError),
    attemptLog: d.attemptLog.map((a) => ({ ...a, reason: masked(a.reason), response: masked(a.response) })),
  });
  const { pageUrl, referrer, xxTrustedFormCertUrl, ...context } = view.context;
  return {
    ...view,
    fields: Object.fromEntries(Object.keys(view.fields).map((name) => [name, MASK])),
    context: {
      ...context,
      ...(pageUrl === undefined ? {} : { pageUrl: MASK }),
      ...(referrer === undefined ? {} : { referrer: MASK }),
      ...(xxTrustedFormCertUrl === undefined ? {} : { xxTrustedFormCertUrl: MASK }),
    },
    ip: masked(view.ip),
    userAgent: masked(view.userAgent),
    consentRecord: view.consentRecord
      ? {
          ...view.consentRecord,
          ip: masked(view.consentRecord.ip),
          userAgent: masked(view.consentRecord.userAgent),
          pageUrl: masked(view.consentRecord.pageUrl),
          phone: masked(view.consentRecord.phone),
        }
      : null,
    deliveries: view.deliveries.map(delivery),
    steps: view.steps.map(delivery),
    changes: view.changes.map((c) => ({ ...c, changes: MASK })),
  };
}

/**
 * The providers' documents, replayed against the sandbox: every example request in the five
 * documents (JSON and XML where both are given) is sent as written to its simulator, which must
 * answer as the document's example answer says: its status, and every field the example shows.
 *
 * The documents are read as text from verbatim copies in test/fixtures/providers/ (with the README
 * that lists their damage), so a test breaks when a simulator and its document disagree. Examples
 * are mended only for the damage that README lists and for slips named where they are mended; each
 * mend first checks the slip is in the document. Placeholders (`[api-key]`, `0`, `""`, masked `***`,
 * `...`) are filled with the sandbox's keys and values of the shape the document asks for.
 */
import { XMLParser } from 'fast-xml-parser';
import { beforeEach, describe, expect, it } from 'vitest';
import { demoForms } from '../../../demo/forms/index.ts';
import { createSandbox } from '../../../demo/sandbox/index.ts';
import { SANDBOX_SECRETS } from '../../../demo/sandbox/keys.ts';
import capDocument from '../../fixtures/providers/cap-gateway-lead-submission.txt?raw';
import diallerDocument from '../../fixtures/providers/dialler-lead-api.txt?raw';
import getleadDocument from '../../fixtures/providers/getlead-crm-api.txt?raw';
import leadExecDocument from '../../fixtures/providers/leadexec-lead-receiver-api.txt?raw';
import takePaymentsDocument from '../../fixtures/providers/takepayments-partner-leads-api.txt?raw';

let sandbox = createSandbox();
beforeEach(() => {
  sandbox = createSandbox();
});

function send(provider: string, method: string, path: string, init: { headers?: HeadersInit; body?: string } = {}) {
  return sandbox.app.fetch(new Request(`http://sandbox.test/${provider}${path}`, { method, ...init }));
}

// ---------------------------------------------------------------------------------------------
// Reading the documents

/** Mends a slip in an example, after checking the document really has it. */
function mend(text: string, slip: string | RegExp, fix: string): string {
  const mended = text.replace(slip, fix);
  if (mended === text) throw new Error(`the document no longer has the slip ${String(slip)}`);
  return mended;
}

/** The text after the first `start` (searched from `from`), up to the next `end`. */
function between(text: string, start: string, end: string, from = 0): string {
  const begin = text.indexOf(start, from);
  if (begin < 0) throw new Error(`"${start}" is not in the document`);
  const stop = text.indexOf(end, begin + start.length);
  if (stop < 0) throw new Error(`"${end}" does not follow "${start}"`);
  return text.slice(begin + start.length, stop);
}

/** The JSON object starting at the first `{` at or after `from`, braces balanced outside strings. */
function objectText(text: string, from = 0): string {
  const start = text.indexOf('{', from);
  if (start < 0) throw new Error('no JSON object follows');
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth += 1;
    else if (char === '}') {
      depth -= 1;
      if (depth === 0) return text.slice(start, i + 1);
    }
  }
  throw new Error('the JSON object does not close');
}

/** The JSON object on the line-start `{` before `needle` (the documents print each answer so). */
function answerAround(text: string, needle: string): unknown {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`"${needle}" is not in the document`);
  return JSON.parse(objectText(text, text.lastIndexOf('\n{', at)));
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/**
 * Asserts `actual` has every field `example` shows, each of the example's JSON type; a list's items
 * against the example's first item. A list must have items unless its path is in `mayBeEmpty`; a
 * date may be null where it is not set yet, as the LeadExec document's own `dateOfReturn` shows.
 */
function expectShape(actual: unknown, example: Json, path: string, mayBeEmpty: readonly string[] = []): void {
  if (example === null) return;
  if (Array.isArray(example)) {
    expect(Array.isArray(actual), `${path} is a list`).toBe(true);
    const items = actual as unknown[];
    if (!mayBeEmpty.includes(path)) expect(items.length, `${path} has items`).toBeGreaterThan(0);
    const [first] = example;
    if (first !== undefined) for (const item of items) expectShape(item, first, path, mayBeEmpty);
    return;
  }
  if (typeof example === 'object') {
    expect(actual !== null && typeof actual === 'object', `${path} is an object`).toBe(true);
    for (const [key, value] of Object.entries(example)) {
      expect(actual, `${path} has ${key}`).toHaveProperty([key]);
      expectShape((actual as Record<string, unknown>)[key], value, path ? `${path}.${key}` : key, mayBeEmpty);
    }
    return;
  }
  if (typeof example === 'string' && ISO_DATE_TIME.test(example) && actual === null) return;
  expect(typeof actual, `${path} is a ${typeof example}`).toBe(typeof example);
}

// Every element but the root a list, so an answer and an example compare element by element.
const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  isArray: (_name, jpath, _leaf, isAttribute) => !isAttribute && String(jpath).includes('.'),
});

type XmlNode = string | { [name: string]: XmlNode[] | string };

/**
 * Asserts an XML answer has the example's root and, below it, every element and attribute the
 * example shows (attributes, the namespaces, with the example's values), repeated elements each
 * against the example's first. An element in `mayBeEmpty` may be empty where the example has content.
 */
function expectXmlShape(actualText: string, exampleText: string, mayBeEmpty: readonly string[] = []): void {
  const actual = xmlParser.parse(actualText) as Record<string, XmlNode>;
  const example = xmlParser.parse(exampleText) as Record<string, XmlNode>;
  const [root] = Object.keys(example);
  expect(Object.keys(actual).filter((name) => name !== '?xml')).toEqual([root]);
  const compare = (node: XmlNode | undefined, shown: XmlNode, path: string): void => {
    if (typeof shown === 'string') {
      expect(typeof node, `${path} is text`).toBe('string');
      return;
    }
    if (node === '' && mayBeEmpty.includes(path)) return;
    expect(typeof node === 'object' && node !== null, `${path} has content`).toBe(true);
    const element = node as { [name: string]: XmlNode[] | string };
    for (const [name, value] of Object.entries(shown)) {
      if (name.startsWith('@_')) {
        expect(element[name], `${path} ${name}`).toBe(value);
        continue;
      }
      const items = element[name];
      expect(Array.isArray(items), `${path} has <${name}>`).toBe(true);
      const [first] = value as XmlNode[];
      if (first === undefined) continue;
      for (const item of items as XmlNode[]) compare(item, first, `${path}.${name}`);
    }
  };
  compare(actual[root ?? ''], example[root ?? ''] as XmlNode, root ?? '');
}

// ---------------------------------------------------------------------------------------------

describe('TakePayments Partner Leads API', () => {
  const KEY = SANDBOX_SECRETS.TAKEPAYMENTS_API_KEY;
  const path = new URL(between(takePaymentsDocument, 'The URL of this endpoint is: ', '\n').trim()).pathname;
  // The document's "full example of the JSON object" was lost in extraction: the request is its field list.
  const fields = [
    ...takePaymentsDocument.matchAll(
      /^\s*•\s*(\w+): (Required|Not Required) - (String|Boolean)(?: - Max Length (\d+))?/gm,
    ),
  ].map(([, name = '', required, type, max]) => ({
    name,
    required: required === 'Required',
    type,
    max: max === undefined ? undefined : Number(max),
  }));

  function valueFor(name: string, type: string | undefined): string | boolean {
    if (name === 'ApiKey') return KEY;
    if (type === 'Boolean') return true;
    if (name.endsWith('Email')) return `${name.toLowerCase()}@example.com`;
    if (name === 'ExistigCustomerReferenceNumber') return 'TPM1234';
    return `${name} value`;
  }

  const fullRequest = () => Object.fromEntries(fields.map(({ name, type }) => [name, valueFor(name, type)]));
  const insert = (body: unknown) =>
    send('takepayments', 'POST', path, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('reads the eighteen fields the document lists, ExistigCustomerReferenceNumber spelled as it is', () => {
    expect(fields).toHaveLength(18);
    expect(fields.filter((f) => f.required).map((f) => f.name)).toEqual([
      'FirstName',
      'LastName',
      'Email',
      'ID',
      'ApiKey',
    ]);
    expect(fields.map((f) => f.name)).toContain('ExistigCustomerReferenceNumber');
  });

  it('answers 200 OK to an insert carrying every documented field', async () => {
    const response = await insert(fullRequest());
    expect(response.status).toBe(200);
  });

  it('answers 400 with a note when a required field is missing', async () => {
    for (const field of fields.filter((f) => f.required && f.name !== 'ApiKey')) {
      const { [field.name]: _, ...request } = fullRequest();
      const response = await insert(request);
      expect(response.status, field.name).toBe(400);
      expect(await response.json(), field.name).toEqual({ note: expect.stringContaining(field.name) });
    }
  });

  it('answers 400 with a note for a value over its documented maximum length, or a HotTransfer that is not a boolean', async () => {
    // An ApiKey over its length matches no key: that is the 401 below.
    for (const field of fields.filter((f) => f.max !== undefined && f.name !== 'ApiKey')) {
      const response = await insert({ ...fullRequest(), [field.name]: 'x'.repeat((field.max ?? 0) + 1) });
      expect(response.status, field.name).toBe(400);
      expect(await response.json(), field.name).toEqual({ note: expect.stringContaining(field.name) });
    }
    const response = await insert({ ...fullRequest(), HotTransfer: 'true' });
    expect(response.status).toBe(400);
  });

  it('answers 401 when the ApiKey is missing or matches nothing', async () => {
    const { ApiKey: _, ...withoutKey } = fullRequest();
    expect((await insert(withoutKey)).status).toBe(401);
    expect((await insert({ ...fullRequest(), ApiKey: 'not-the-key' })).status).toBe(401);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the dialler lead API', () => {
  const KEY = SANDBOX_SECRETS.DIALLER_API_KEY;
  /** The curl examples in order: lead/add, lead/add in test mode, lead/cancel; each with its answer. */
  const examples = [
    ...diallerDocument.matchAll(
      /curl -X (\w+)((?: -H "[^"]+")*) -d '([\s\S]*?)' "https:\/\/\{example\.com\}(\/[\w/]+)\?key=\{API_KEY\}"\s*\n(?:Will receive:|Will Receive:|returns)\s*\n/gi,
    ),
  ].map((match) => ({
    method: match[1] ?? '',
    headers: [...(match[2] ?? '').matchAll(/-H "([^:]+): ([^"]+)"/g)].map(([, name = '', value = '']) => [name, value]),
    body: match[3] ?? '',
    path: match[4] ?? '',
    answer: JSON.parse(objectText(diallerDocument, (match.index ?? 0) + match[0].length)),
  }));
  const [add, testMode, cancel] = examples;

  /** The damage the README lists: the hidden email; and `data`'s quotes, escaped twice in the curl examples. */
  function mendLead(body: string): string {
    const withEmail = mend(body, '[email protected]', 'john.doe@example.com');
    return mend(withEmail, /\\\\"/g, '\\"');
  }

  function replay(example: (typeof examples)[number] | undefined, body: string) {
    if (!example) throw new Error('the example is missing');
    return send('dialler', example.method, `${example.path}?${new URLSearchParams({ key: KEY })}`, {
      headers: example.headers as [string, string][],
      body,
    });
  }

  const addBody = () => mendLead(add?.body ?? '');
  /** The test-mode example, with the comma the README says is missing before "test". */
  const testModeBody = () => mend(mendLead(testMode?.body ?? ''), /"\n"test"/, '",\n"test"');
  /** The cancel example, without the trailing comma that makes it invalid JSON. */
  const cancelBody = () => mend(cancel?.body ?? '', /,\s*\n\}$/, '\n}');

  it('finds the three curl examples: lead/add, lead/add in test mode and lead/cancel', () => {
    expect(examples.map((e) => e.path)).toEqual(['/lead/add', '/lead/add', '/lead/cancel']);
    expect(add?.headers).toContainEqual(['Content-Type', 'application/json']);
  });

  it('saves and processes the lead/add example', async () => {
    const response = await replay(add, addBody());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(add?.answer);
    expect(add?.answer).toEqual({ saved: true, processed: true });
  });

  it('answers test ok to the test-mode example and saves nothing', async () => {
    const response = await replay(testMode, testModeBody());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(testMode?.answer);
    expect(testMode?.answer).toEqual({ test: 'ok' });
    // Nothing was saved: the same lead is then added as new.
    expect(await (await replay(add, addBody())).json()).toEqual({ saved: true, processed: true });
  });

  it('cancels the lead/add example’s lead with the cancel example', async () => {
    await replay(add, addBody());
    const response = await replay(cancel, cancelBody());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(cancel?.answer);
    expect(cancel?.answer).toEqual({ cancelled: true });
  });

  it('answers the documented "Another call is already scheduled" to the lead/add example sent twice', async () => {
    await replay(add, addBody());
    expect(await (await replay(add, addBody())).json()).toEqual(
      answerAround(diallerDocument, '"Another call is already scheduled"'),
    );
  });

  it('answers the documented "Existing Contact" once the first lead’s call is due', async () => {
    const now = addBody().replace('"delays":600', '"delays":0');
    await replay(add, now);
    expect(await (await replay(add, now)).json()).toEqual(answerAround(diallerDocument, '"Existing Contact"'));
  });

  it('answers 400 with the documented field errors for a blank email and an empty data', async () => {
    const blankEmail = await replay(add, addBody().replace('"john.doe@example.com"', '""'));
    expect(blankEmail.status).toBe(400);
    expect(await blankEmail.json()).toEqual(answerAround(diallerDocument, '"Email cannot be blank."'));
    const emptyData = await replay(add, addBody().replace(/"data": ".*"/, '"data": ""'));
    expect(emptyData.status).toBe(400);
    expect(await emptyData.json()).toEqual(answerAround(diallerDocument, 'Empty or invalid content of `data` field'));
  });

  it('answers the documented "Unknown Type" to a lead of a type it was not given', async () => {
    const response = await replay(add, addBody().replace('"motor-trade"', '"pest-control"'));
    expect(await response.json()).toEqual(answerAround(diallerDocument, '"Unknown Type"'));
  });

  it('answers a test-mode lead of an unknown type as a real one, but saved false since test mode saves nothing', async () => {
    const response = await replay(testMode, testModeBody().replace('"motor-trade"', '"pest-control"'));
    const documented = answerAround(diallerDocument, '"Unknown Type"') as Record<string, unknown>;
    expect(await response.json()).toEqual({ ...documented, saved: false });
  });

  it('answers the documented cancel warnings "not found" and "already processed"', async () => {
    expect(await (await replay(cancel, cancelBody())).json()).toEqual(answerAround(diallerDocument, '"not found"'));
    await replay(add, addBody().replace('"delays":600', '"delays":0'));
    expect(await (await replay(cancel, cancelBody())).json()).toEqual(
      answerAround(diallerDocument, '"already processed"'),
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('the CAP Gateway lead submission', () => {
  const KEY = SANDBOX_SECRETS.CAP_API_KEY;
  const path = new URL(/Production \| (\S+) \|/.exec(capDocument)?.[1] ?? '').pathname;
  const payload = objectText(capDocument, capDocument.indexOf('Example payload'));
  const succeeded = JSON.parse(objectText(capDocument, capDocument.indexOf('Successful response example:')));
  const failed = JSON.parse(objectText(capDocument, capDocument.indexOf('Failed response example:')));
  const submit = (body: string, key: string = KEY) =>
    send('cap', 'POST', path, { headers: { 'Content-Type': 'application/json', 'X-API-Key': key }, body });

  it('accepts the example payload with 202 and the successful response example’s fields', async () => {
    const response = await submit(payload);
    expect(response.status).toBe(202);
    const answer = (await response.json()) as { result: { requestReferenceId: string; enquiryReferenceCode: string } };
    expectShape(answer, succeeded, '', ['messages']);
    expect(answer).toMatchObject({ success: true, messages: [] });
    // As the example's code: ENQ, the enquiry's date (yymmdd), eight letters or digits.
    expect(answer.result.enquiryReferenceCode).toMatch(/^ENQ-240912-[A-Z0-9]{8}$/);
    expect(answer.result.requestReferenceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('answers 400 in the failed response example’s shape when the payload lacks the contact’s email', async () => {
    const response = await submit(payload.replace('"emailAddress": "test@cap.co",', ''));
    expect(response.status).toBe(400);
    const answer = await response.json();
    expectShape(answer, failed, '');
    expect(answer).toMatchObject({ success: false, result: { enquiryReferenceCode: null } });
  });

  it('answers 401 in the failed response example’s shape to a wrong key', async () => {
    const response = await submit(payload, 'not-the-key');
    expect(response.status).toBe(401);
    expectShape(await response.json(), failed, '');
  });
});

// ---------------------------------------------------------------------------------------------

describe('the Getlead CRM API', () => {
  const TOKEN = SANDBOX_SECRETS.GETLEAD_TOKEN;
  const titles = {
    lead: 'Create lead API Documentation',
    task: 'Create Task API Documentation',
    note: 'Create Note API Documentation',
    status: 'Status change API Documentation',
    deal: 'Create Deal API Documentation',
    department: 'Assign to Department API Documentation',
  } as const;
  type Endpoint = keyof typeof titles;

  function section(endpoint: Endpoint): string {
    const start = getleadDocument.indexOf(titles[endpoint]);
    const next = getleadDocument.indexOf(' API Documentation\n', start + titles[endpoint].length);
    return getleadDocument.slice(start, next < 0 ? undefined : getleadDocument.lastIndexOf('\n', next));
  }

  const documented = (endpoint: Endpoint) => {
    const text = section(endpoint);
    const line = (after: string) => between(text, `${after}\n`, '\n');
    return {
      endpoint: decodeURIComponent(new URL(line('API Endpoint')).pathname),
      example: line('Example Request'),
      success: JSON.parse(line('Success Response')),
      errors: [...line('Error Response').matchAll(/\{[^{}]*\}/g)].map(([error]) => JSON.parse(error)),
      required: [...text.matchAll(/^([^|\n]+?) \| (?:string|integer) \| [^|\n]* \| (Yes|No) \|$/gm)]
        .filter(([, , required]) => required === 'Yes')
        .map(([, name = '']) => name),
    };
  };

  /** Fills the document's masked values (`gl_8ee******`, `985*******`, `Te***`). */
  const MASKED_TEXT: Record<string, string> = {
    name: 'Test',
    note: 'Called back',
    status: 'Contacted',
    department: 'Sales',
  };
  function unmask(name: string, value: string): string {
    if (name === 'token') return TOKEN;
    if (!value.includes('*')) return value;
    const text = MASKED_TEXT[name];
    if (text) return text;
    if (/^[\d*]+$/.test(value)) {
      let n = 0;
      return value.replace(/\*/g, () => String((n++ % 9) + 1));
    }
    throw new Error(`no value for the masked ${name}`);
  }

  /** An example URL as the sandbox path and its parameters, unmasked; the department's token is in the path. */
  function request(url: string) {
    const parsed = new URL(url);
    const path = parsed.pathname.replace(/\/gl_[\w*]+$/, `/${TOKEN}`);
    const parameters = Object.fromEntries([...parsed.searchParams].map(([name, value]) => [name, unmask(name, value)]));
    return { path, parameters };
  }

  const post = (path: string, parameters: Record<string, string>) =>
    send('getlead', 'POST', `${path}?${new URLSearchParams(parameters)}`);
  const postForm = (path: string, parameters: Record<string, string>) =>
    send('getlead', 'POST', path, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: String(new URLSearchParams(parameters)),
    });

  async function answerOf(response: Response) {
    expect(response.status).toBe(200);
    return (await response.json()) as { status: string; message: string };
  }

  /** The note example's `&note=` came out of extraction as `¬e=` (`&not` read as an HTML entity). */
  const noteExample = () => mend(documented('note').example, '¬e=', '&note=');
  /** The deal example points at the task endpoint, as the README says. */
  const dealExample = () => mend(documented('deal').example, '/gl-task-creation-api?', '/gl-deal-creation-api?');

  /** Creates the lead a note, status change or deal names, through the create lead endpoint. */
  async function leadOn(countrycode: string, mobile: string) {
    const answer = await answerOf(
      await post(documented('lead').endpoint, { token: TOKEN, countrycode, mobileno: mobile, source: 'Test' }),
    );
    expect(answer.status).toBe('success');
  }

  /** A deal as the deal table describes it, every optional parameter included. */
  function fullDeal(mobile: string) {
    return {
      token: TOKEN,
      mobile,
      status: 'Won',
      'deal name': 'Two card machines',
      countrycode: '91',
      staff_name: 'Ajay',
      deal_amount: '1200',
      start_date: '2026-01-05',
      end_date: '2026-02-05',
      deal_note: 'Signed on the call',
    };
  }

  it('reads each endpoint’s required parameters from its table', () => {
    expect(documented('lead').required).toEqual(['token', 'countrycode', 'mobileno', 'source']);
    expect(documented('task').required).toEqual(['token', 'name']);
    expect(documented('note').required).toEqual(['token', 'note', 'countrycode', 'mobile_no']);
    expect(documented('status').required).toEqual(['token', 'status', 'countrycode', 'mobile_no']);
    expect(documented('deal').required).toEqual(['token', 'mobile', 'status']);
    expect(documented('department').required).toEqual(['token', 'SourceNumber', 'department']);
  });

  it('adds the create lead example’s lead with the success response', async () => {
    const { path, parameters } = request(documented('lead').example);
    expect(path).toBe(documented('lead').endpoint);
    expect(await answerOf(await post(path, parameters))).toEqual(documented('lead').success);
  });

  it('adds the create task example’s task with the success response', async () => {
    const { path, parameters } = request(documented('task').example);
    expect(path).toBe(documented('task').endpoint);
    expect(await answerOf(await post(path, parameters))).toEqual(documented('task').success);
  });

  it('adds the create note example’s note to the lead on its number, with the success response', async () => {
    const { path, parameters } = request(noteExample());
    expect(path).toBe(documented('note').endpoint);
    expect(await answerOf(await post(path, parameters))).toEqual(documented('note').errors[0]);
    await leadOn(parameters.countrycode ?? '', parameters.mobile_no ?? '');
    expect(await answerOf(await post(path, parameters))).toEqual(documented('note').success);
  });

  it('changes the status of the lead on the status change example’s number, with its (note) success response', async () => {
    const { path, parameters } = request(documented('status').example);
    expect(path).toBe(documented('status').endpoint);
    expect(await answerOf(await post(path, parameters))).toEqual(documented('status').errors[0]);
    await leadOn(parameters.countrycode ?? '', parameters.mobile_no ?? '');
    expect(await answerOf(await post(path, parameters))).toEqual(documented('status').success);
  });

  it('answers the deal example, sent to the deal endpoint, with the error response: it lacks mobile and status', async () => {
    const { path, parameters } = request(dealExample());
    expect(path).toBe(documented('deal').endpoint);
    expect(parameters).not.toHaveProperty('mobile');
    expect(await answerOf(await post(path, parameters))).toEqual(documented('deal').errors[0]);
  });

  it('creates a deal of the deal table’s parameters, with start_date, end_date and deal_note, with the success response', async () => {
    await leadOn('91', '9895012345');
    const answer = await answerOf(await post(documented('deal').endpoint, fullDeal('9895012345')));
    expect(answer).toEqual(documented('deal').success);
  });

  it('assigns the department example’s source number with the success response, the token in the path', async () => {
    const { path, parameters } = request(documented('department').example);
    expect(path).toBe(documented('department').endpoint.replace('{token}', TOKEN));
    expect(await answerOf(await post(path, parameters))).toEqual(documented('department').success);
  });

  it('takes every example’s parameters as a form-encoded body too', async () => {
    await leadOn('91', '9895012345');
    const note = request(noteExample());
    await leadOn(note.parameters.countrycode ?? '', note.parameters.mobile_no ?? '');
    const cases: [Endpoint, { path: string; parameters: Record<string, string> }][] = [
      ['lead', request(documented('lead').example)],
      ['task', request(documented('task').example)],
      ['note', note],
      ['status', request(documented('status').example)],
      ['deal', { path: documented('deal').endpoint, parameters: fullDeal('9895012345') }],
      ['department', request(documented('department').example)],
    ];
    for (const [endpoint, { path, parameters }] of cases) {
      expect(await answerOf(await postForm(path, parameters)), endpoint).toEqual(documented(endpoint).success);
    }
  });

  it('finds no parameters in a JSON body, which the document never shows', async () => {
    const { path, parameters } = request(documented('lead').example);
    const response = await send('getlead', 'POST', path, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(parameters),
    });
    expect(await answerOf(response)).toEqual(documented('lead').errors[1]);
  });

  it('refuses a request without any one of its endpoint’s required parameters', async () => {
    await leadOn('91', '9895012345');
    const note = request(noteExample());
    await leadOn(note.parameters.countrycode ?? '', note.parameters.mobile_no ?? '');
    const cases: [Endpoint, { path: string; parameters: Record<string, string> }][] = [
      ['lead', request(documented('lead').example)],
      ['task', request(documented('task').example)],
      ['note', note],
      ['status', request(documented('status').example)],
      ['deal', { path: documented('deal').endpoint, parameters: fullDeal('9895012345') }],
      ['department', request(documented('department').example)],
    ];
    for (const [endpoint, { path, parameters }] of cases) {
      for (const name of documented(endpoint).required) {
        if (endpoint === 'department' && name === 'token') continue; // in the path
        const { [name]: _, ...without } = parameters;
        const answer = await answerOf(await post(path, without));
        expect(answer.status, `${endpoint} without ${name}`).toMatch(/^(fail|error)$/);
        if (endpoint !== 'department') {
          expect(documented(endpoint).errors, `${endpoint} without ${name}`).toContainEqual(answer);
        }
      }
    }
  });

  it('takes a task’s comment and scheduled_date, and refuses a scheduled_date that is not a date', async () => {
    const { path, parameters } = request(documented('task').example);
    const full = {
      ...parameters,
      description: 'Call about card machines',
      countrycode: '91',
      mobile_no: '9895012345',
      comment: 'Prefers mornings',
      scheduled_date: '2026-01-05 09:30:00',
    };
    expect(await answerOf(await post(path, full))).toEqual(documented('task').success);
    expect(await answerOf(await post(path, { ...full, scheduled_date: '2026-01-05' }))).toEqual(
      documented('task').success,
    );
    expect(await answerOf(await post(path, { ...full, scheduled_date: 'next Monday' }))).toEqual(
      documented('task').errors[0],
    );
  });

  it('refuses a deal whose start_date or end_date is not YYYY-MM-DD', async () => {
    await leadOn('91', '9895012345');
    for (const wrong of [{ start_date: '05/01/2026' }, { end_date: '2026-02-30' }]) {
      const answer = await answerOf(await post(documented('deal').endpoint, { ...fullDeal('9895012345'), ...wrong }));
      expect(answer, JSON.stringify(wrong)).toEqual(documented('deal').errors[0]);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('the LeadExec lead receiver', () => {
  const KEY = SANDBOX_SECRETS.LEADEXEC_API_KEY;
  const document = leadExecDocument.slice(0, leadExecDocument.indexOf('\nCode Examples\n'));
  /** The demo-leadexec form's account; "insert with sends" uses the demo sends form's. */
  const ACCOUNT = { vid: 1001, lid: 2002, aid: 3003 };
  const sendsDestination = demoForms
    .flatMap((form) => form.destinations as readonly { provider: string; options: Record<string, unknown> }[])
    .find((d) => d.provider === 'leadexec' && d.options.mode === 'sends');
  const SENDS_ACCOUNT = { vid: Number(sendsDestination?.options.vid), lid: Number(sendsDestination?.options.lid) };
  /** Values for the fields and properties the examples leave as placeholders. */
  const FILL = {
    FirstName: 'Maria',
    LastName: 'Lopez',
    State: 'CA',
    Zip: '94105',
    ivrNumber: 8005550199,
    callDuration: 184,
    callResult: 'Appointment set',
    callDate: '2026-11-23',
  };

  interface HttpExample {
    method: string;
    path: string;
    headers: Record<string, string>;
    body: string;
  }

  /** A JSON answer: the request's id and one result per lead (accept offer's has neither). */
  interface LeadExecAnswer {
    requestId: string;
    results: Record<string, unknown>[];
  }

  interface Endpoint {
    json: HttpExample;
    xml?: HttpExample;
    answerJson: Json;
    answerXml?: string;
  }

  function endpoint(title: string): Endpoint {
    const start = document.search(new RegExp(`^(?:POST|PUT|GET)\\n\\n${title}\\n`, 'm'));
    if (start < 0) throw new Error(`no section "${title}"`);
    const next = document.slice(start + 1).search(/^(?:POST|PUT|GET)\n\n\S/m);
    const text = document.slice(start, next < 0 ? undefined : start + 1 + next);
    const response = text.indexOf('\nResponse\n');
    const requests = [...text.slice(0, response + 1).matchAll(/^(POST|PUT|GET) (\S+) HTTP\/1\.1\n((?:.+\n)*)\n/gm)].map(
      (match): HttpExample => {
        const rest = text.slice((match.index ?? 0) + match[0].length);
        const body = rest.startsWith('{')
          ? objectText(rest)
          : rest.startsWith('<Leads')
            ? rest.slice(0, rest.indexOf('</Leads>') + '</Leads>'.length)
            : '';
        const headers = (match[3] ?? '')
          .trim()
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf(':')).trim(), line.slice(line.indexOf(':') + 1).trim()]);
        return { method: match[1] ?? '', path: match[2] ?? '', headers: Object.fromEntries(headers), body };
      },
    );
    const json = requests.find((r) => !r.headers['content-type']?.includes('xml'));
    if (!json) throw new Error(`no JSON request in "${title}"`);
    const answerXml = /<(\w+Result) xmlns[\s\S]*?<\/\1>/.exec(text.slice(response))?.[0];
    return {
      json,
      xml: requests.find((r) => r.headers['content-type']?.includes('xml')),
      answerJson: JSON.parse(objectText(text, response)),
      ...(answerXml ? { answerXml } : {}),
    };
  }

  /** The example's headers with the sandbox's key for `[api-key]` and `[acces_token]`; its host is the sandbox. */
  function headersOf(example: HttpExample): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(example.headers)) {
      if (name !== 'host') headers[name] = value.replace('[api-key]', KEY).replace('[acces_token]', KEY);
    }
    return headers;
  }

  /** The JSON example without its `...` lines, its placeholders filled from `fill`. */
  function jsonBody(example: HttpExample, fill: Record<string, unknown>): Record<string, unknown> {
    const text = example.body.replace(/,(\s*\n\s*)\.\.\.(?=\s*\n)/g, '').replace(/\n\s*\.\.\.(?=\s*\n)/g, '');
    const filled = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(filled);
      if (!value || typeof value !== 'object') return value;
      return Object.fromEntries(
        Object.entries(value).map(([name, inner]) => [name, name in fill ? fill[name] : filled(inner)]),
      );
    };
    return filled(JSON.parse(text)) as Record<string, unknown>;
  }

  /**
   * The XML example with its attributes and empty elements filled from `fill`, and its `...` as the
   * fields its JSON twin shows that it does not (the JSON example names them, the XML elides them).
   */
  function xmlBody(example: HttpExample, twin: Record<string, unknown>, fill: Record<string, unknown>): string {
    let xml = example.body;
    for (const [name, value] of Object.entries(fill)) {
      const text = Array.isArray(value) ? value.join('|') : String(value);
      const attribute = name === 'orderId' ? 'orderID' : name === 'offerIds' ? 'offerids' : name;
      xml = xml.replace(new RegExp(`(\\s${attribute})="[^"]*"`), `$1="${text}"`);
      const element = {
        ivrNumber: 'IVRNumber',
        callDuration: 'CallDuration',
        callResult: 'CallResult',
        callDate: 'CallDate',
      }[name];
      xml = xml.replace(
        `<${element ?? name}></${element ?? name}>`,
        `<${element ?? name}>${text}</${element ?? name}>`,
      );
    }
    const leads = twin.leads as { fields: Record<string, string> }[];
    const elided = Object.entries(leads[0]?.fields ?? {})
      .filter(([name]) => !xml.includes(`<${name}>`))
      .map(([name, value]) => `<${name}>${value}</${name}>`)
      .join('');
    return mend(xml, /\n\.\.\.\n/, `\n${elided}\n`);
  }

  async function replayJson(example: HttpExample, fill: Record<string, unknown>, path = example.path) {
    const body = example.body ? JSON.stringify(jsonBody(example, fill)) : undefined;
    const response = await send('leadexec', example.method, path, {
      headers: headersOf(example),
      ...(body ? { body } : {}),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    return (await response.json()) as LeadExecAnswer;
  }

  /** Replays the XML example; its request line says /v2/insert/general where the JSON gives the real path. */
  async function replayXml(found: Endpoint, fill: Record<string, unknown>) {
    const example = found.xml;
    if (!example) throw new Error('no XML example');
    const path =
      example.path === found.json.path ? example.path : mend(example.path, '/v2/insert/general', found.json.path);
    const body = xmlBody(example, jsonBody(found.json, fill), fill);
    const response = await send('leadexec', example.method, path, { headers: headersOf(example), body });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/xml');
    return response.text();
  }

  const insert = () => endpoint('Create Lead');
  const withSends = () => endpoint('Create Lead and Return Send Information');
  const transfer = () => endpoint('Create Call Transfer Lead');
  const callLead = () => endpoint('Create Call Lead');
  const ping = () => endpoint('Create Inbound PING');
  const inboundPost = () => endpoint('Inbound Post');
  const duplicate = () => endpoint('Duplicate Check');

  /** The first result of a JSON answer. */
  const first = (answer: LeadExecAnswer) => answer.results[0] ?? {};

  /** An order and its offers, from the ping example. */
  async function order() {
    const answer = await replayJson(ping().json, { ...FILL, ...ACCOUNT });
    const { orderId, offers } = first(answer) as { orderId: string; offers: { offerId: string }[] };
    return { orderId, offerIds: offers.map((o) => o.offerId) };
  }

  it('finds the ten endpoints, JSON and XML examples where the document gives both', () => {
    const titles = [
      'Create Lead',
      'Create Lead and Return Send Information',
      'Create Call Transfer Lead',
      'Create Call Lead',
      'Update Lead',
      'Create Inbound PING',
      'Inbound Post',
      'Duplicate Check',
      'Lead Request Status',
      'Mark Offer as Accepted',
    ];
    expect(titles.map((title) => [endpoint(title).json.path, Boolean(endpoint(title).xml)])).toEqual([
      ['/v2/insert/general', true],
      ['/v2/insert/general', true],
      ['/v2/insert/transfer', true],
      ['/v2/insert/calldata', true],
      ['/v2/update', false],
      ['/v2/insert/ping', true],
      ['/v2/insert/general', true],
      ['/v2/duplicate/check', true],
      ['/v2/status/{id}', false],
      ['/v2/leads/[leadUID]/offers/[offerId]/accept', false],
    ]);
  });

  it('accepts the insert example (JSON) with the example answer’s fields', async () => {
    const answer = await replayJson(insert().json, { ...FILL, ...ACCOUNT });
    expectShape(answer, insert().answerJson, '', ['results.offers']);
    expect(first(answer)).toMatchObject({
      isValid: true,
      responseType: 'No_Error',
      responseMessage: 'Lead was accepted',
    });
  });

  it('accepts the insert example (XML) with the example answer’s elements', async () => {
    const answer = await replayXml(insert(), { ...FILL, ...ACCOUNT });
    expectXmlShape(answer, insert().answerXml ?? '', ['LeadReceiverResult.Results.d2p1:PostResponse.Offers']);
    expect(answer).toContain('<IsValid>true</IsValid>');
  });

  it('answers the insert with sends example (JSON) with its sends, each redirect an https URL, for the approved demo account', async () => {
    expect(SENDS_ACCOUNT.vid).toBeGreaterThan(0);
    const answer = await replayJson(withSends().json, { ...FILL, ...SENDS_ACCOUNT, aid: 3003 });
    expectShape(answer, withSends().answerJson, '');
    expect(first(answer)).toMatchObject({ isValid: true, responseType: 'No_Error' });
    const sends = first(answer).sends as { redirectURL: string; valid: boolean }[];
    expect(sends.some((s) => s.valid && s.redirectURL)).toBe(true);
    for (const { redirectURL } of sends.filter((s) => s.redirectURL)) {
      expect(new URL(redirectURL).protocol).toBe('https:');
    }
  });

  it('answers the insert with sends example (XML) with the example answer’s elements', async () => {
    const answer = await replayXml(withSends(), { ...FILL, ...SENDS_ACCOUNT, aid: 3003 });
    expectXmlShape(answer, withSends().answerXml ?? '');
    expect(answer).toMatch(/<RedirectURL>https:\/\/[^<]+<\/RedirectURL>/);
  });

  it('answers the insert with sends example with no sends for an account not approved for them', async () => {
    const answer = await replayJson(withSends().json, { ...FILL, ...ACCOUNT });
    expect(first(answer)).toMatchObject({ isValid: true });
    expect(first(answer)).not.toHaveProperty('sends');
  });

  it('answers the call transfer example (JSON) with the agent to transfer to', async () => {
    const answer = await replayJson(transfer().json, { ...FILL, ...ACCOUNT });
    expectShape(answer, transfer().answerJson, '');
    expect(first(answer)).toMatchObject({ isValid: true, responseType: 'No_Error' });
  });

  it('answers the call transfer example (XML) with <Sends><Send> as the example shows, the agent in AgentName and AgentPhone', async () => {
    const answer = await replayXml(transfer(), { ...FILL, ...ACCOUNT });
    expectXmlShape(answer, transfer().answerXml ?? '');
    expect(answer).toMatch(/<Send>[\s\S]*<AgentName>[^<]+<\/AgentName>\s*<AgentPhone>[^<]+<\/AgentPhone>/);
  });

  it('accepts the call lead example (JSON) with the example answer’s fields', async () => {
    const answer = await replayJson(callLead().json, { ...FILL, ...ACCOUNT });
    expectShape(answer, callLead().answerJson, '');
    expect(first(answer)).toMatchObject({ isValid: true, responseType: 'No_Error' });
  });

  it('accepts the call lead example (XML), its call in IVRNumber, CallDuration, CallResult and CallDate', async () => {
    const answer = await replayXml(callLead(), { ...FILL, ...ACCOUNT });
    expectXmlShape(answer, callLead().answerXml ?? '');
    expect(answer).toContain('<IsValid>true</IsValid>');
  });

  it('updates the lead the update example names with the example answer’s fields', async () => {
    const inserted = first(await replayJson(insert().json, { ...FILL, ...ACCOUNT }));
    const update = endpoint('Update Lead');
    const answer = await replayJson(update.json, { ...FILL, ...ACCOUNT, leadUID: inserted.leadId });
    expectShape(answer, update.answerJson, '');
    expect(first(answer)).toMatchObject({
      isValid: true,
      responseMessage: 'Lead information updated',
      leadId: inserted.leadId,
    });
  });

  it('answers the ping example (JSON) with an order and its offers', async () => {
    const answer = await replayJson(ping().json, { ...FILL, ...ACCOUNT });
    expectShape(answer, ping().answerJson, '');
    expect(first(answer)).toMatchObject({
      willAccept: true,
      response: 'Coverage found, please supplied Order ID in POST',
    });
  });

  it('answers the ping example (XML) with the example answer’s elements', async () => {
    const answer = await replayXml(ping(), { ...FILL, ...ACCOUNT });
    expectXmlShape(answer, ping().answerXml ?? '');
    expect(answer).toContain('<WillAccept>true</WillAccept>');
  });

  it('accepts the post example (JSON) for a ping’s order and the offers chosen', async () => {
    const chosen = await order();
    const answer = await replayJson(inboundPost().json, { ...FILL, ...ACCOUNT, ...chosen });
    expectShape(answer, inboundPost().answerJson, '');
    expect(first(answer)).toMatchObject({ isValid: true, responseType: 'No_Error' });
    expect((first(answer).offers as { offerId: string }[]).map((o) => o.offerId)).toEqual(chosen.offerIds);
  });

  it('accepts the post example (XML), its order in orderID and its offers in offerids', async () => {
    const answer = await replayXml(inboundPost(), { ...FILL, ...ACCOUNT, ...(await order()) });
    expectXmlShape(answer, inboundPost().answerXml ?? '');
    expect(answer).toContain('<IsValid>true</IsValid>');
  });

  /** A lead with an email, inserted as the insert example with one more field. */
  async function givenLeadWith(Email: string) {
    const body = jsonBody(insert().json, { ...FILL, ...ACCOUNT });
    const [lead] = body.leads as { fields: Record<string, string> }[];
    if (lead) lead.fields.Email = Email;
    const response = await send('leadexec', 'POST', '/v2/insert/general', {
      headers: headersOf(insert().json),
      body: JSON.stringify(body),
    });
    return first((await response.json()) as LeadExecAnswer);
  }

  it('finds the lead the duplicate check example (JSON) names by its email', async () => {
    const Email = 'maria.lopez.dup-json@example.com';
    const inserted = await givenLeadWith(Email);
    const answer = await replayJson(duplicate().json, { ...ACCOUNT, Email });
    expectShape(answer, duplicate().answerJson, '');
    expect(first(answer)).toMatchObject({ success: true, isDuplicate: true, duplicateLeadId: inserted.leadId });
  });

  it('finds the lead the duplicate check example (XML) names, with the example answer’s elements', async () => {
    const Email = 'maria.lopez.dup-xml@example.com';
    await givenLeadWith(Email);
    const answer = await replayXml(duplicate(), { ...ACCOUNT, Email });
    expectXmlShape(answer, duplicate().answerXml ?? '');
    expect(answer).toContain('<IsDuplicate>true</IsDuplicate>');
  });

  it('answers the request status example with the status of an insert’s request', async () => {
    const inserted = await replayJson(insert().json, { ...FILL, ...ACCOUNT });
    const status = endpoint('Lead Request Status');
    const answer = await replayJson(status.json, {}, mend(status.json.path, '{id}', inserted.requestId));
    expectShape(answer, status.answerJson, '');
    expect(answer.requestId).toBe(inserted.requestId);
    expect(first(answer)).toMatchObject({ leadId: first(inserted).leadId, isValid: true });
  });

  it('accepts the offer the accept offer example names, with the example answer', async () => {
    const chosen = await order();
    const posted = first(await replayJson(inboundPost().json, { ...FILL, ...ACCOUNT, ...chosen }));
    const accept = endpoint('Mark Offer as Accepted');
    const path = mend(
      mend(accept.json.path, '[leadUID]', String(posted.leadId)),
      '[offerId]',
      chosen.offerIds[0] ?? '',
    );
    expect(await replayJson(accept.json, {}, path)).toEqual(accept.answerJson);
  });

  it('answers Data_Errors, with HTTP 200, to a JSON insert without its required sendDelay or with one that is not hours', async () => {
    const body = jsonBody(insert().json, { ...FILL, ...ACCOUNT });
    const source = body.source as Record<string, unknown>;
    for (const sendDelay of [undefined, '1', -1, null]) {
      const response = await send('leadexec', 'POST', '/v2/insert/general', {
        headers: headersOf(insert().json),
        body: JSON.stringify({ ...body, source: { ...source, sendDelay } }),
      });
      expect(response.status).toBe(200);
      expect(first((await response.json()) as LeadExecAnswer), String(sendDelay)).toMatchObject({
        isValid: false,
        responseType: 'Data_Errors',
        responseMessage: expect.stringContaining('sendDelay'),
      });
    }
  });

  it('requires the fields the account’s posting document names for the lead type', async () => {
    sandbox.simulators.leadexec.settings.requiredFieldsByLeadType[ACCOUNT.lid] = ['FirstName', 'LastName', 'Email'];
    const answer = await replayJson(insert().json, { ...FILL, ...ACCOUNT });
    expect(first(answer)).toMatchObject({
      isValid: false,
      responseType: 'Data_Errors',
      responseMessage: 'Missing required field(s): Email',
    });
  });
});

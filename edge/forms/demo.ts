/**
 * @module The demo forms `npm start` serves. Each asks what a real site of its kind would ask, and
 * accepts any local origin so a test page on another port can embed it.
 */
const LOCAL_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*'];

/** Who the consumer is, as the motor, phone-system and all-provider demos ask it. */
const CONTACT_FIELDS = [
  { name: 'firstName', type: 'text', label: 'First name', required: true, maxLength: 200, autocomplete: 'given-name' },
  { name: 'lastName', type: 'text', label: 'Last name', required: true, maxLength: 200, autocomplete: 'family-name' },
  { name: 'email', type: 'email', label: 'Email', required: true, maxLength: 200, autocomplete: 'email' },
  { name: 'phone', type: 'tel', label: 'Mobile number', required: true, country: 'GB', autocomplete: 'tel' },
];

/** The models a retailer offers test drives of (the CAP document's example is one). */
const VEHICLE_FIELD = {
  name: 'vehicle',
  type: 'select',
  label: 'Model',
  required: true,
  options: [
    { value: 'Audi Q4 e-tron', label: 'Audi Q4 e-tron' },
    { value: 'Audi Q6 e-tron', label: 'Audi Q6 e-tron' },
    { value: 'Audi A6 e-tron', label: 'Audi A6 e-tron' },
    { value: 'Audi Q8 e-tron', label: 'Audi Q8 e-tron' },
  ],
};

/** Who the consumer is, as the US demos that reach a buyer at once (LeadExec sends, transfer) ask it. */
const US_CONTACT_FIELDS = [
  { name: 'firstName', type: 'text', label: 'First name', required: true, maxLength: 100, autocomplete: 'given-name' },
  { name: 'lastName', type: 'text', label: 'Last name', required: true, maxLength: 100, autocomplete: 'family-name' },
  { name: 'email', type: 'email', label: 'Email', required: true, maxLength: 200, autocomplete: 'email' },
  { name: 'phone', type: 'tel', label: 'Phone', required: true, country: 'US', autocomplete: 'tel' },
  { name: 'zip', type: 'postcode', label: 'ZIP code', required: true, maxLength: 10, autocomplete: 'postal-code' },
];

/** The CAP campaign the demos submit to (the document's example campaign). */
const CAP_CAMPAIGN_ID = '966c7488-bfa7-45b5-8510-d26ba3008879';

export const demoForms = [
  {
    id: 'demo-takepayments',
    title: 'Get a card machine quote',
    description: 'Tell us about your business and a takepayments adviser will call you back.',
    allowedOrigins: LOCAL_ORIGINS,
    fields: [
      {
        name: 'firstName',
        type: 'text',
        label: 'First name',
        required: true,
        maxLength: 200,
        autocomplete: 'given-name',
      },
      {
        name: 'lastName',
        type: 'text',
        label: 'Last name',
        required: true,
        maxLength: 200,
        autocomplete: 'family-name',
      },
      { name: 'email', type: 'email', label: 'Email', required: true, maxLength: 200, autocomplete: 'email' },
      {
        name: 'company',
        type: 'text',
        label: 'Business name',
        required: false,
        maxLength: 200,
        autocomplete: 'organization',
      },
      { name: 'postcode', type: 'postcode', label: 'Postcode', required: false, autocomplete: 'postal-code' },
      {
        name: 'industry',
        type: 'select',
        label: 'Industry',
        required: false,
        options: [
          { value: 'Hospitality', label: 'Hospitality' },
          { value: 'Retail', label: 'Retail' },
          { value: 'Hair and beauty', label: 'Hair and beauty' },
          { value: 'Trades', label: 'Trades' },
          { value: 'Other', label: 'Other' },
        ],
      },
      { name: 'message', type: 'textarea', label: 'Anything we should know?', required: false, maxLength: 2000 },
    ],
    consents: [
      {
        name: 'contact',
        text: 'I agree that takepayments may contact me about card payment services.',
        required: true,
      },
    ],
    submitLabel: 'Request a call back',
    successMessage: 'Thank you. An adviser will call you shortly.',
    destinations: [{ provider: 'takepayments', options: { externalLeadType: 'Web Lead' } }],
  },
  {
    id: 'demo-leadexec',
    title: 'Get solar quotes for your home',
    description: 'Answer a few questions and compare quotes from local solar installers.',
    allowedOrigins: LOCAL_ORIGINS,
    fields: [
      { name: 'zip', type: 'postcode', label: 'ZIP code', required: true, maxLength: 10, autocomplete: 'postal-code' },
      {
        name: 'ownsHome',
        type: 'select',
        label: 'Do you own your home?',
        required: true,
        options: [
          { value: 'Yes', label: 'Yes, I own it' },
          { value: 'No', label: 'No, I rent' },
        ],
      },
      {
        name: 'electricBill',
        type: 'select',
        label: 'Average monthly electric bill',
        required: true,
        options: [
          { value: '0-100', label: 'Under $100' },
          { value: '101-200', label: '$101 to $200' },
          { value: '201-300', label: '$201 to $300' },
          { value: '301+', label: 'Over $300' },
        ],
      },
      {
        name: 'roofShade',
        type: 'select',
        label: 'How much shade does your roof get?',
        required: false,
        options: [
          { value: 'None', label: 'Full sun' },
          { value: 'Some', label: 'Some shade' },
          { value: 'Heavy', label: 'Mostly shaded' },
        ],
      },
      {
        name: 'firstName',
        type: 'text',
        label: 'First name',
        required: true,
        maxLength: 100,
        autocomplete: 'given-name',
      },
      {
        name: 'lastName',
        type: 'text',
        label: 'Last name',
        required: true,
        maxLength: 100,
        autocomplete: 'family-name',
      },
      { name: 'email', type: 'email', label: 'Email', required: true, maxLength: 200, autocomplete: 'email' },
      { name: 'phone', type: 'tel', label: 'Phone', required: true, country: 'US', autocomplete: 'tel' },
      {
        name: 'address',
        type: 'text',
        label: 'Street address',
        required: true,
        maxLength: 200,
        autocomplete: 'street-address',
      },
      { name: 'city', type: 'text', label: 'City', required: true, maxLength: 100, autocomplete: 'address-level2' },
      {
        name: 'state',
        type: 'select',
        label: 'State',
        required: true,
        autocomplete: 'address-level1',
        options:
          'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY'
            .split(' ')
            .map((code) => ({ value: code, label: code })),
      },
    ],
    steps: [
      { title: 'Your home', fields: ['zip', 'ownsHome', 'electricBill', 'roofShade'] },
      { title: 'Your details', fields: ['firstName', 'lastName', 'email', 'phone', 'address', 'city', 'state'] },
    ],
    submitLabel: 'See my solar quotes',
    successMessage: 'Thank you. The installers you chose will be in touch shortly.',
    // Consent is given per seller on the offers screen, so the form itself asks for none.
    pingPost: {
      fallback: 'post',
      allowNoOffer: true,
      defaultConsentText:
        'By ticking this box, I agree that {company} may call and text me at the number I gave, including by automated means, about solar products. Consent is not a condition of purchase.',
    },
    destinations: [
      {
        provider: 'leadexec',
        options: {
          vid: 1001,
          lid: 2002,
          aid: 3003,
          pingPost: true,
          pingFields: ['zip', 'state', 'ownsHome', 'electricBill'],
          fieldMap: { HomeOwner: 'ownsHome', ElectricBill: 'electricBill', RoofShade: 'roofShade' },
        },
      },
    ],
  },
  {
    id: 'demo-leadexec-sends',
    title: 'Compare car insurance quotes',
    description: 'Tell us who you are and we will take you straight to an insurer with a quote.',
    allowedOrigins: LOCAL_ORIGINS,
    fields: US_CONTACT_FIELDS,
    consents: [
      {
        name: 'tcpa',
        text: 'By ticking this box, I agree that an insurance partner may call and text me at the number I gave, including by automated means, about car insurance. Consent is not a condition of purchase.',
        required: true,
      },
    ],
    submitLabel: 'See my quote',
    successMessage: 'Thank you. An insurer will be in touch with your quote.',
    // The buyer LeadExec chooses answers with its own page: the consumer is taken there.
    destinations: [{ provider: 'leadexec', options: { vid: 1001, lid: 2004, aid: 3003, mode: 'sends' } }],
  },
  {
    id: 'demo-leadexec-transfer',
    title: 'Talk to a debt adviser now',
    description: 'Leave your number and we will connect you to an adviser straight away.',
    allowedOrigins: LOCAL_ORIGINS,
    fields: US_CONTACT_FIELDS,
    consents: [
      {
        name: 'tcpa',
        text: 'By ticking this box, I agree that a debt advice partner may call me at the number I gave, including by automated means. Consent is not a condition of purchase.',
        required: true,
      },
    ],
    submitLabel: 'Connect me',
    successMessage: 'Thank you. An adviser is ready to take your call.',
    // LeadExec answers the agent who takes the call: the consumer is shown whom to call.
    destinations: [{ provider: 'leadexec', options: { vid: 1001, lid: 2005, aid: 3003, mode: 'transfer' } }],
  },
  {
    id: 'demo-dialler',
    title: 'Book a car valet',
    description: 'Tell us about your car and a valeting specialist will call you to book a time.',
    allowedOrigins: LOCAL_ORIGINS,
    fields: [
      ...CONTACT_FIELDS,
      { name: 'vehicleMake', type: 'text', label: 'Make', required: false, maxLength: 50 },
      { name: 'vehicleModel', type: 'text', label: 'Model', required: false, maxLength: 50 },
      {
        name: 'service',
        type: 'select',
        label: 'Valet',
        required: true,
        options: [
          { value: 'Mini valet', label: 'Mini valet' },
          { value: 'Full valet', label: 'Full valet' },
          { value: 'Interior only', label: 'Interior only' },
          { value: 'Paint protection', label: 'Paint protection' },
        ],
      },
      { name: 'postcode', type: 'postcode', label: 'Postcode', required: true, autocomplete: 'postal-code' },
      {
        name: 'address',
        type: 'text',
        label: 'Address',
        required: false,
        maxLength: 200,
        autocomplete: 'street-address',
      },
      { name: 'message', type: 'textarea', label: 'Anything we should know?', required: false, maxLength: 1000 },
    ],
    consents: [{ name: 'contact', text: 'I agree to be called about booking my valet.', required: true }],
    submitLabel: 'Request a call',
    successMessage: 'Thank you. A valeting specialist will call you shortly to book a time.',
    destinations: [
      {
        provider: 'dialler',
        options: {
          type: 'motor-trade',
          subtype: 'valeter',
          // Ten minutes, as the document's example: time to cancel a mistaken request.
          delays: 600,
          dataFields: ['vehicleMake', 'vehicleModel', 'service', 'postcode', 'address', 'message'],
        },
      },
    ],
  },
  {
    id: 'demo-cap',
    title: 'Book a test drive',
    description: 'Choose a model and your nearest retailer will arrange your test drive.',
    allowedOrigins: LOCAL_ORIGINS,
    fields: [
      ...CONTACT_FIELDS,
      { name: 'postcode', type: 'postcode', label: 'Postcode', required: true, autocomplete: 'postal-code' },
      VEHICLE_FIELD,
    ],
    consents: [
      { name: 'phoneCall', text: 'Call me about offers and events.', required: false },
      { name: 'post', text: 'Send me offers and events by post.', required: false },
      { name: 'email', text: 'Email me offers and events.', required: false },
      { name: 'sms', text: 'Text me offers and events.', required: false },
    ],
    submitLabel: 'Book my test drive',
    successMessage: 'Thank you. Your retailer will be in touch to arrange your test drive.',
    destinations: [
      {
        provider: 'cap',
        options: {
          campaignId: CAP_CAMPAIGN_ID,
          enquiryType: 'Test Drive',
          consents: { PhoneCall: 'phoneCall', Post: 'post', Email: 'email', Sms: 'sms' },
        },
      },
    ],
  },
  {
    id: 'demo-getlead',
    title: 'Get a business phone system quote',
    description: 'Tell us what your team needs and an adviser will call you back.',
    allowedOrigins: LOCAL_ORIGINS,
    fields: [
      ...CONTACT_FIELDS.filter((field) => field.name !== 'phone'),
      // Getlead's own examples are Indian numbers: UK and Indian mobiles, typed with or without +44/+91.
      {
        name: 'phone',
        type: 'tel',
        label: 'Mobile number',
        required: true,
        countries: ['GB', 'IN'],
        autocomplete: 'tel',
      },
      {
        name: 'company',
        type: 'text',
        label: 'Business name',
        required: false,
        maxLength: 200,
        autocomplete: 'organization',
      },
      {
        name: 'purpose',
        type: 'select',
        label: 'What do you need?',
        required: true,
        options: [
          { value: 'Phone system', label: 'A phone system' },
          { value: 'Broadband', label: 'Business broadband' },
          { value: 'Both', label: 'Both' },
        ],
      },
      { name: 'message', type: 'textarea', label: 'How many people, and by when?', required: false, maxLength: 2000 },
    ],
    consents: [{ name: 'contact', text: 'I agree to be contacted about my quote.', required: true }],
    submitLabel: 'Request a call back',
    successMessage: 'Thank you. An adviser will call you back shortly.',
    destinations: [
      {
        provider: 'getlead',
        options: {
          source: 'Website',
          fieldMap: { purpose: 'purpose' },
          followUps: [
            { kind: 'note', field: 'message' },
            {
              kind: 'task',
              name: 'Call back web enquiry',
              category: 'call',
              description: 'Quote request from the website.',
            },
          ],
        },
      },
    ],
  },
  {
    id: 'demo-all',
    title: 'Talk to your local dealership',
    description: 'One enquiry, sent to TakePayments, the dialler, CAP Gateway and Getlead at once.',
    allowedOrigins: LOCAL_ORIGINS,
    fields: [
      ...CONTACT_FIELDS,
      {
        name: 'company',
        type: 'text',
        label: 'Business name',
        required: false,
        maxLength: 200,
        autocomplete: 'organization',
      },
      { name: 'postcode', type: 'postcode', label: 'Postcode', required: true, autocomplete: 'postal-code' },
      {
        name: 'address',
        type: 'text',
        label: 'Address',
        required: false,
        maxLength: 200,
        autocomplete: 'street-address',
      },
      VEHICLE_FIELD,
      { name: 'message', type: 'textarea', label: 'Anything we should know?', required: false, maxLength: 2000 },
    ],
    consents: [
      { name: 'contact', text: 'I agree to be contacted about my enquiry.', required: true },
      { name: 'offersByEmail', text: 'Email me offers and events.', required: false },
    ],
    submitLabel: 'Send my enquiry',
    successMessage: 'Thank you. We will be in touch shortly.',
    destinations: [
      { provider: 'takepayments', options: { externalLeadType: 'Web Lead' } },
      {
        provider: 'dialler',
        options: { type: 'motor-trade', subtype: 'sales', delays: 600, dataFields: ['vehicle', 'postcode', 'message'] },
      },
      {
        provider: 'cap',
        options: { campaignId: CAP_CAMPAIGN_ID, enquiryType: 'Test Drive', consents: { Email: 'offersByEmail' } },
      },
      { provider: 'getlead', options: { source: 'Website', followUps: [{ kind: 'note', field: 'message' }] } },
    ],
  },
];

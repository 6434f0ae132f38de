/**
 * @module The demo forms `npm start` serves. Each asks what a real site of its kind would ask, and
 * accepts any local origin so a test page on another port can embed it.
 */
const LOCAL_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*'];

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
];

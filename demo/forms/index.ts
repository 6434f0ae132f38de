/**
 * @module The demo forms `npm start` and the tests serve, for the sandbox and the tests that read
 * them directly. The relay gets them from the files themselves (tools/forms.ts), in development only.
 */
import all from './demo-all.json' with { type: 'json' };
import cap from './demo-cap.json' with { type: 'json' };
import dialler from './demo-dialler.json' with { type: 'json' };
import getlead from './demo-getlead.json' with { type: 'json' };
import leadexec from './demo-leadexec.json' with { type: 'json' };
import leadexecSends from './demo-leadexec-sends.json' with { type: 'json' };
import leadexecTransfer from './demo-leadexec-transfer.json' with { type: 'json' };
import takepayments from './demo-takepayments.json' with { type: 'json' };

export const demoForms = [takepayments, leadexec, leadexecSends, leadexecTransfer, dialler, cap, getlead, all];

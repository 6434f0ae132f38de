/** The form files this build serves, as `node tools/forms.ts build` gathered them (configured.js). */
export declare const configuredForms: readonly { file: string; form: unknown }[];

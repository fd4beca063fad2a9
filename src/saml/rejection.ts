export type RejectCode = 'invalid' | 'idp_error' | 'clock_behind' | 'expired' | 'wrong_tenant' | 'unsolicited';

/** A SAML failure: `reason` is for the log and the audit, `code` picks the page shown to the person. */
export class SamlRejected extends Error {
  constructor(readonly code: RejectCode, readonly reason: string, readonly detail?: string) { super(reason); }
}

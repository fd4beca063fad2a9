// One error type per failure kind. Protocol layers (SCIM JSON, the JSON API, SAML pages) map these
// once each; domain code never knows which protocol it serves.
export type ErrorKind =
  | 'invalid'        // 400: the input is wrong; `detail` says how
  | 'unauthorized'   // 401
  | 'forbidden'      // 403
  | 'not_found'      // 404: also for objects of another tenant, so existence never leaks
  | 'conflict'       // 409
  | 'precondition'   // 412
  | 'too_large'      // 413
  | 'unsupported'    // 415: the request body's media type
  | 'too_many'       // 429: `hint` holds the seconds to wait (Retry-After)
  | 'unavailable';   // 503

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** Protocol hint, e.g. SCIM's scimType ("uniqueness", "mutability", "invalidFilter"). */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const invalid = (message: string, hint?: string) => new AppError('invalid', message, hint);
export const notFound = (message = 'Not found') => new AppError('not_found', message);
export const conflict = (message: string, hint?: string) => new AppError('conflict', message, hint);
export const unauthorized = (message = 'Authentication required') => new AppError('unauthorized', message);
export const forbidden = (message = 'Forbidden') => new AppError('forbidden', message);

export const statusOf: Record<ErrorKind, number> = {
  invalid: 400, unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409,
  precondition: 412, too_large: 413, unsupported: 415, too_many: 429, unavailable: 503,
};

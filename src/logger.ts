import pino, { type Logger } from 'pino';

// Secrets never reach the log: headers are not logged at all, and these paths are censored should a
// future log line include them.
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie',
        'password', 'bearerToken', 'token', 'SAMLResponse', '*.password', '*.bearerToken', '*.SAMLResponse'],
      censor: '[redacted]',
    },
  });
}

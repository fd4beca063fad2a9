import pino, { type Logger } from 'pino';

// URLs as they may appear in logs and the provisioning log: the path, and only query parameters known
// to hold no secret. A SAMLResponse sent by GET, say, must never be copied where log readers see it.
const SAFE_PARAMS = new Set(['filter', 'startindex', 'count', 'attributes', 'excludedattributes', 'sortby', 'sortorder']);

export function logSafeUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  const kept = [...params].map(([k, v]) => `${encodeURIComponent(k)}=${SAFE_PARAMS.has(k.toLowerCase()) ? encodeURIComponent(v) : '[redacted]'}`);
  return `${url.slice(0, q)}?${kept.join('&')}`;
}

interface LoggedRequest { method?: string; url?: string; ip?: string; socket?: { remoteAddress?: string } }

// Secrets never reach the log: headers are not logged at all, query strings only through logSafeUrl,
// and these paths are censored should a future log line include them.
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({
    level,
    serializers: {
      req: (req: LoggedRequest) => ({ method: req.method, url: logSafeUrl(req.url ?? ''), remoteAddress: req.ip ?? req.socket?.remoteAddress }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie',
        'password', 'bearerToken', 'token', 'SAMLResponse', '*.password', '*.bearerToken', '*.SAMLResponse'],
      censor: '[redacted]',
    },
  }, destination);
}

// Which exchange an audit entry is about, by the convention every use case follows: target
// `exchange:<id>`, or `detail.exchange = <id>` when the target is something inside it (a document, a
// client). The audit log keeps the answer in an indexed column so an exchange's activity is one range read.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function exchangeIdOf(target: string | null | undefined, detail: string | Record<string, unknown> | null | undefined): string | null {
  if (target?.startsWith('exchange:')) {
    const id = target.slice('exchange:'.length);
    if (UUID.test(id)) return id;
  }
  if (detail === null || detail === undefined) return null;
  let d: unknown = detail;
  if (typeof detail === 'string') {
    try { d = JSON.parse(detail); } catch { return null; }
  }
  const x = (d as { exchange?: unknown } | null)?.exchange;
  return typeof x === 'string' && UUID.test(x) ? x : null;
}

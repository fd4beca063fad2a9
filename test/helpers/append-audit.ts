// A second process appending to a tenant's audit log while the server (and maybe another of these)
// does too: `node --import tsx test/helpers/append-audit.ts DB_FILE TENANT_ID COUNT LABEL`.
import { recordAudit } from '../../src/domain/audit/record-audit.js';
import { openDatabase } from '../../src/storage/db/index.js';

const [file, tenantId, count, label] = process.argv.slice(2);
const db = await openDatabase(file!);
try {
  for (let i = 0; i < Number(count); i++) await recordAudit(db, { tenantId: tenantId!, actor: 'operator', action: 'test.append', detail: { label, i } });
} finally {
  await db.destroy();
}

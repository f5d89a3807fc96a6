import type { Logger } from 'pino';
import type { RecordDb } from '../../../shared/src/record/db';
import type { Request, Response } from '../../../shared/src/http';
import type { AuditLog } from '../record/audit-log';

export interface ReportDeps {
  readonly db: RecordDb;
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly now: () => Date;
}

/** `GET /reports/{shift,daily,weekly}[.pdf]?date=YYYY-MM-DD`. */
export function reportRoutes(_deps: ReportDeps) {
  return (_req: Request, _res: Response): Promise<boolean> => Promise.resolve(false);
}

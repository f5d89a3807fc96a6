/**
 * Fetches the daily report PDF of a local date from the alerts function
 * (`GET /reports/daily.pdf?date=…`, functions/alerts/src/http/report-routes.ts), as the viewer the
 * token names: alerts audits the view like any other (`view.report`). Throws a message naming what
 * went wrong (status, or not a PDF); never returns a partial body.
 */
export async function fetchReportPdf(
  alertsUrl: string,
  token: string | undefined,
  date: string,
  timeoutMs: number,
): Promise<Buffer> {
  const url = `${alertsUrl.replace(/\/+$/, '')}/reports/daily.pdf?date=${encodeURIComponent(date)}`;
  const res = await fetch(url, {
    headers: { accept: 'application/pdf', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'error',
  });
  const body = Buffer.from(await res.arrayBuffer());
  if (!res.ok) throw new Error(`alerts answered ${res.status} for the daily report ${date}`);
  // every PDF starts with its header line "%PDF-" (ISO 32000-1 §7.5.2)
  if (body.subarray(0, 5).toString('latin1') !== '%PDF-')
    throw new Error(`alerts answered ${res.status} but not with a PDF for the daily report ${date}`);
  return body;
}

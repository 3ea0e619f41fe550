/** An attempt's HTTP status as a label value: `2xx` … `5xx`, or `error` when no response came. */
export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'error';

export function statusClass(status: number | undefined): StatusClass {
  if (status === undefined || status < 100 || status > 599) return 'error';
  return `${Math.floor(status / 100)}xx` as StatusClass;
}

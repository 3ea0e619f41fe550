/** A W3C Trace Context (`traceparent`, `tracestate`): the publisher's, stored with its event. */
export interface StoredTraceContext {
  traceparent: string;
  tracestate?: string;
}

/** Callable responses, snake_case and shaped like the contract's REST responses. */

export interface StartTraceResponse {
  success: true;
  trace_id: string;
  message: string;
}

export interface StopTraceResponse {
  success: true;
  trace_id: string;
  /** Seconds. */
  duration: number;
  message: string;
}

export interface AddMetricResponse {
  success: true;
  trace_id: string;
  metric_name: string;
  value: number;
}

export interface RecordTracesResponse {
  success: true;
  batch_id: string;
  /** Traces stored by this call. */
  accepted: number;
  /** True when batch_id was already stored (a retry); nothing is written twice. */
  duplicate: boolean;
}

/**
 * An error answered in vLLM's OpenAI-compatible shape:
 * `{"error":{"message","type","param","code"}}` with `type` such as `BadRequestError`,
 * `NotFoundError`, `ServiceUnavailableError`, and `code` = the HTTP status.
 */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'SimHttpError';
  }

  /** The response body vLLM sends for this error. */
  toBody(): { error: { message: string; type: string; param: string | null; code: number } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.status } };
  }
}

/** 400 BadRequestError. */
export const badRequest = (message: string, param: string | null = null) =>
  new SimHttpError(400, 'BadRequestError', message, param);

/** A channel or account that cannot take a send right now (not configured, unknown account, none at all). */
export class ChannelUnavailableError extends Error {
  override readonly name = 'ChannelUnavailableError';
  constructor(
    message: string,
    /** Machine-readable reason for clients (`NO_CHANNELS`). */
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** The channel's access policy does not allow sending to that chat. */
export class ChannelAccessDeniedError extends Error {
  override readonly name = 'ChannelAccessDeniedError';
}

/** A channel request that cannot be answered as asked (no message, ambiguous channel, no login in progress). */
export class ChannelRequestError extends Error {
  override readonly name = 'ChannelRequestError';
}

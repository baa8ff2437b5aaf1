/** A job request that cannot be done as asked (a bad schedule, target or field), with the reason. */
export class CronRequestError extends Error {
  override readonly name = 'CronRequestError';
}

/** No job has this id. */
export class CronJobNotFoundError extends Error {
  override readonly name = 'CronJobNotFoundError';
  constructor(readonly jobId: string) {
    super(`no scheduled job "${jobId}" (openclaw cron list shows the jobs)`);
  }
}

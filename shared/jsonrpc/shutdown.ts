/**
 * What a daemon that is stopping on purpose tells stdio agents, first on its line. A bridge
 * that saw it waits for a daemon to come back instead of starting one itself: a user who
 * stopped Gatehouse does not want every IDE to start it again. The IDE sees a log message.
 */
export const SHUTDOWN_NOTICE =
  '{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"warning","logger":"gatehouse/shutdown","data":"The Gatehouse daemon is stopping; tools are unavailable until it runs again."}}';

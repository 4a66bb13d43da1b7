import { AmcError } from "../amc/gateway";

/**
 * What a user reads on a failed run: AMC's reason, plus what to do about it. Chosen by the
 * error's typed cause, never by searching its text (product.md pitfall 10).
 */
export function explainFailure(e: unknown, instanceId: string): { message: string; cause: string } {
  if (!(e instanceof AmcError)) {
    return { message: "The run failed inside the app before AMC answered. Try again; if it repeats, tell your admin.", cause: "internal" };
  }
  switch (e.cause) {
    case "invalid_query":
      return { message: `AMC rejected the query: ${e.message}`, cause: e.cause };
    case "permission":
      return { message: `AMC returned 403 for ${instanceId}: this connection has no access to the instance. An admin must grant it in Amazon Ads.`, cause: e.cause };
    case "reauthorize":
      return { message: `The Amazon Ads connection needs re-authorization: ${e.message.replace(/\.?$/, ".")} An admin must reconnect it on the Instances page.`, cause: e.cause };
    case "auth":
      // Only reached once the retries are spent: Login with Amazon still issues tokens, so the
      // connection is fine and reconnecting would not help.
      return {
        message:
          "AMC kept refusing freshly issued access tokens (HTTP 401) although the Amazon Ads connection is valid. This is usually temporary at Amazon: run it again later; if it persists, check the account's access to the instance in Amazon Ads.",
        cause: e.cause,
      };
    case "not_found":
      return { message: `AMC does not know this execution or instance (${instanceId}): ${e.message}`, cause: e.cause };
    case "rate_limited":
      return { message: "AMC kept throttling this run (429).", cause: e.cause };
    case "transient":
      return { message: `AMC was unavailable (${e.message}) after repeated attempts.`, cause: e.cause };
  }
}

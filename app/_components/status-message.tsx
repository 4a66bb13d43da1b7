/** What a button's server action answered, shown under it until the next click. */
export interface ActionMessage {
  kind: "ok" | "error";
  text: string;
}

/** The answer line: an alert when it failed, a status when it worked (test ids per page). */
export function StatusMessage({
  message,
  okTestId,
  errorTestId,
  errorClassName = "text-sm text-red-700",
}: {
  message: ActionMessage | null;
  okTestId: string;
  errorTestId: string;
  errorClassName?: string;
}) {
  if (!message) return null;
  const error = message.kind === "error";
  return (
    <p role={error ? "alert" : "status"} data-testid={error ? errorTestId : okTestId} className={error ? errorClassName : "text-sm text-slate-600"}>
      {message.text}
    </p>
  );
}

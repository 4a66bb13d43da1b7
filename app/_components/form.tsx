/** The app's form field look and per-field error line, shared by every form. */
export const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm focus:border-indigo-500 focus:outline-none aria-[invalid=true]:border-red-400";

export function FieldError({ id, messages }: { id: string; messages?: string[] }) {
  if (!messages?.[0]) return null;
  return (
    <p id={id} className="mt-1 text-sm text-red-700">
      {messages[0]}
    </p>
  );
}

/** A labelled input with its error line (and a hint while there is no error). */
export function TextField({
  id,
  label,
  errors,
  hint,
  ...input
}: { id: string; label: string; errors?: string[]; hint?: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  const invalid = Boolean(errors?.length);
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <input
        id={id}
        aria-invalid={invalid}
        aria-describedby={invalid ? `${id}-error` : undefined}
        className={inputClass}
        {...input}
      />
      <FieldError id={`${id}-error`} messages={errors} />
      {hint && !invalid && <p className="mt-1 text-xs text-slate-500">{hint}</p>}
    </div>
  );
}

/** The message at the top of a form after submitting: success, or what went wrong. */
export function FormBanner({ kind, children }: { kind: "success" | "error"; children: React.ReactNode }) {
  return kind === "success" ? (
    <p role="status" data-testid="form-success" className="rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800">
      {children}
    </p>
  ) : (
    <p role="alert" data-testid="form-error" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      {children}
    </p>
  );
}

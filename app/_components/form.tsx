/** The app's form field look and per-field error line, shared by every form. */
export const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm focus:border-indigo-500 focus:outline-none aria-[invalid=true]:border-red-400";

/** The label above a field (the builder's and the schedule form's look). */
export const labelClass = "block text-sm font-medium text-slate-800";

const BUTTON_SIZES = { sm: "px-3 py-1.5", md: "px-3 py-2", lg: "px-4 py-2" } as const;
const BUTTON_KINDS = {
  primary: "rounded-md bg-indigo-600 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-60",
  secondary: "rounded-md border border-slate-300 bg-white text-sm hover:bg-slate-50 disabled:opacity-60",
} as const;

/** The app's two button looks, in three sizes. */
export function buttonClass(kind: keyof typeof BUTTON_KINDS, size: keyof typeof BUTTON_SIZES = "md"): string {
  return `${BUTTON_KINDS[kind]} ${BUTTON_SIZES[size]}`;
}

export function FieldError({ id, messages }: { id: string; messages?: string[] }) {
  if (!messages?.[0]) return null;
  return (
    <p id={id} className="mt-1 text-sm text-red-700">
      {messages[0]}
    </p>
  );
}

/** `aria-invalid` and the error line's id for a field's control, while it has errors. */
function invalidProps(id: string, errors?: string[]) {
  const invalid = Boolean(errors?.length);
  return { "aria-invalid": invalid, "aria-describedby": invalid ? `${id}-error` : undefined };
}

/** A field's label over its control, its error line, and a hint while there is no error. */
function FieldFrame({ id, label, errors, hint, children }: { id: string; label: string; errors?: string[]; hint?: string; children: React.ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {children}
      <FieldError id={`${id}-error`} messages={errors} />
      {hint && !errors?.length && <p className="mt-1 text-xs text-slate-500">{hint}</p>}
    </div>
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
  return (
    <FieldFrame id={id} label={label} errors={errors} hint={hint}>
      <input id={id} {...invalidProps(id, errors)} className={inputClass} {...input} />
    </FieldFrame>
  );
}

/** TextField's twin for a choice: a labelled select (its options as children) with its error line. */
export function SelectField({
  id,
  label,
  errors,
  children,
  ...select
}: { id: string; label: string; errors?: string[]; children: React.ReactNode } & React.SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <FieldFrame id={id} label={label} errors={errors}>
      <select id={id} {...invalidProps(id, errors)} className={inputClass} {...select}>
        {children}
      </select>
    </FieldFrame>
  );
}

/** A label over any control (select, textarea, custom input) given as children. */
export function Labeled({ id, label, className, children }: { id: string; label: React.ReactNode; className?: string; children: React.ReactNode }) {
  return (
    <div className={className}>
      <label htmlFor={id} className={labelClass}>
        {label}
      </label>
      {children}
    </div>
  );
}

/** The options of a select, from values and labels. */
export function Options({ options }: { options: readonly { value: string; label: string }[] | readonly string[] }) {
  return (
    <>
      {options.map((o) => {
        const { value, label } = typeof o === "string" ? { value: o, label: o } : o;
        return (
          <option key={value} value={value}>
            {label}
          </option>
        );
      })}
    </>
  );
}

/**
 * The message at the top of a form after submitting: success, or what went wrong. testId names
 * it for the browser tests where a page has more than one.
 */
export function FormBanner({ kind, testId, children }: { kind: "success" | "error"; testId?: string; children: React.ReactNode }) {
  return kind === "success" ? (
    <p role="status" data-testid={testId ?? "form-success"} className="rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800">
      {children}
    </p>
  ) : (
    <p role="alert" data-testid={testId ?? "form-error"} className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      {children}
    </p>
  );
}

/** A failed submit's message at the top of its form, or nothing while there is none. */
export function ErrorBanner({ error, testId }: { error: { message: string } | null | undefined; testId: string }) {
  if (!error) return null;
  return (
    <FormBanner kind="error" testId={testId}>
      {error.message}
    </FormBanner>
  );
}

/** A small control's failure (FORBIDDEN, NOT_FOUND, a session that ended), shown next to it. */
export function ControlError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p role="alert" className="mt-1 text-xs text-red-700">
      {message}
    </p>
  );
}

/** A form's submit button: disabled, with its "…ing" label, while the form is submitting. */
export function SubmitButton({
  pending,
  pendingLabel,
  size = "md",
  className = "",
  children,
}: {
  pending: boolean;
  pendingLabel: string;
  size?: keyof typeof BUTTON_SIZES;
  className?: string;
  children: React.ReactNode;
}) {
  return (
    <button type="submit" disabled={pending} className={`${buttonClass("primary", size)} ${className}`.trim()}>
      {pending ? pendingLabel : children}
    </button>
  );
}

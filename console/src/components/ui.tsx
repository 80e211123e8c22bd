import { type ReactNode, useId, useState } from 'react';
import type { CombinedError } from 'urql';

/** Typed errors of a mutation result, by field (the last path segment that is not a list index) and for the whole form. */
export interface FormErrors {
  form?: string;
  fields: Record<string, string>;
}

type ErrorLike = { __typename?: string; message?: string; issues?: readonly { path: string; message: string }[]; field?: string };

export function formErrors(result: ErrorLike | null | undefined, transport?: CombinedError): FormErrors {
  if (transport) return { form: transport.graphQLErrors[0]?.message ?? transport.message, fields: {} };
  if (!result || !result.__typename || result.__typename.endsWith('Success')) return { fields: {} };
  const fields: Record<string, string> = {};
  for (const issue of result.issues ?? []) {
    const field =
      issue.path
        .split('.')
        .filter((segment) => !/^\d+$/.test(segment))
        .pop() ?? issue.path;
    if (!(field in fields)) fields[field] = issue.message;
  }
  if (result.field) fields[result.field] = result.message ?? 'conflict';
  const unplaced = Object.keys(fields).length === 0;
  return { form: unplaced ? result.message : result.__typename === 'ValidationError' ? 'Check the highlighted fields.' : undefined, fields };
}

export function FieldInput(props: {
  label: string;
  name: string;
  errors?: FormErrors;
  type?: string;
  defaultValue?: string;
  placeholder?: string;
  required?: boolean;
  hint?: string;
  autoComplete?: string;
  value?: string;
  onChange?: (value: string) => void;
}) {
  const id = useId();
  const error = props.errors?.fields[props.name];
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        defaultValue={props.onChange ? undefined : props.defaultValue}
        value={props.onChange ? props.value : undefined}
        onChange={props.onChange ? (event) => props.onChange!(event.target.value) : undefined}
        placeholder={props.placeholder}
        required={props.required}
        autoComplete={props.autoComplete ?? 'off'}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : props.hint ? `${id}-hint` : undefined}
      />
      {props.hint && !error ? <small id={`${id}-hint`}>{props.hint}</small> : null}
      {error ? (
        <small id={`${id}-error`} className="field-error" role="alert">
          {error}
        </small>
      ) : null}
    </div>
  );
}

export function FieldSelect(props: { label: string; name: string; options: { value: string; label: string }[]; defaultValue?: string; errors?: FormErrors }) {
  const id = useId();
  const error = props.errors?.fields[props.name];
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} name={props.name} defaultValue={props.defaultValue} aria-invalid={error ? true : undefined}>
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {error ? (
        <small className="field-error" role="alert">
          {error}
        </small>
      ) : null}
    </div>
  );
}

export function FormError({ errors }: { errors: FormErrors }) {
  return errors.form ? (
    <p className="error" role="alert">
      {errors.form}
    </p>
  ) : null;
}

export function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: string }) {
  return (
    <div className="stat" role="group" aria-label={label}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint ? <div className="stat-hint">{hint}</div> : null}
    </div>
  );
}

/** A secret shown exactly once, with a copy button. */
export function SecretOnce({ label, secret, onDone }: { label: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="secret-once" role="region" aria-label={label}>
      <p>
        <strong>{label}</strong>: copy it now, it is shown only once.
      </p>
      <code data-testid="secret">{secret}</code>
      <div className="row">
        <button
          type="button"
          onClick={async () => {
            await navigator.clipboard.writeText(secret).catch(() => undefined);
            setCopied(true);
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

/**
 * A row's destructive action: asks first, then runs it and reloads the page's data. `label` is
 * the accessible name ("Delete plan pro"), `question` what the confirmation asks.
 */
export function DangerButton(props: { label: string; question: string; run: () => Promise<unknown>; reload: () => void; children?: ReactNode }) {
  return (
    <button
      type="button"
      className="danger"
      aria-label={props.label}
      onClick={async () => {
        if (!window.confirm(props.question)) return;
        await props.run();
        props.reload();
      }}
    >
      {props.children ?? 'Delete'}
    </button>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1>{title}</h1>
      <div className="row">{children}</div>
    </header>
  );
}

export function QueryError({ error }: { error?: CombinedError }) {
  return error ? (
    <p className="error" role="alert">
      {error.graphQLErrors[0]?.message ?? error.message}
    </p>
  ) : null;
}

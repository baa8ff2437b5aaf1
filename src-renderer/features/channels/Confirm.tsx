import { useId } from 'react';

/** An inline "are you sure?" with the consequence spelled out; focus starts on the confirm button. */
export function Confirm({
  text,
  confirmLabel,
  busy,
  onConfirm,
  onCancel,
}: {
  text: string;
  confirmLabel: string;
  busy: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  const id = useId();
  return (
    <div className="confirm" role="alertdialog" aria-labelledby={id}>
      <p id={id}>{text}</p>
      <div className="actions">
        <button type="button" className="danger" onClick={onConfirm} disabled={busy} autoFocus>
          {confirmLabel}
        </button>
        <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </div>
  );
}

import { useEffect, useRef } from 'react';

// A second question before a consequential action (a risky approval, a rejection, a
// revocation). Focus moves to the confirming button so the keyboard user is where the
// question is; nothing happens until it is pressed.

export function Confirm({
  question,
  yes,
  tone,
  onYes,
  onCancel,
}: {
  question: string;
  yes: string;
  tone: 'primary' | 'danger';
  onYes: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <div className="confirm" role="alertdialog" aria-labelledby="confirm-q">
      <p id="confirm-q">{question}</p>
      <button type="button" ref={ref} className={tone} onClick={onYes}>
        {yes}
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

/** Modal behaviour for a native <dialog>: focus trapped inside, Esc closes, focus returns to the opener. */

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null || el === document.activeElement);
}

/** Moves focus to the element marked `data-autofocus`, else the first control in the dialog. */
export function focusStart(dialog: HTMLElement): void {
  const target = dialog.querySelector<HTMLElement>('[data-autofocus]') ?? focusables(dialog)[0];
  target?.focus();
}

/** Opens `dialog` modally; `onClosed` runs once when it closes by any means (button, Esc, code). */
export function openModal(dialog: HTMLDialogElement, onClosed: () => void): void {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const trap = (event: KeyboardEvent) => {
    if (event.key !== 'Tab') return;
    const items = focusables(dialog);
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return event.preventDefault();
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };
  dialog.addEventListener('keydown', trap);
  dialog.addEventListener(
    'close',
    () => {
      dialog.removeEventListener('keydown', trap);
      onClosed();
      if (opener?.isConnected) opener.focus();
    },
    { once: true },
  );
  dialog.showModal();
  focusStart(dialog);
}

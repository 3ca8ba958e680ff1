/**
 * The button that opens the menu (as Ctrl+Shift+M does): small and
 * translucent in the top-left corner, bigger on touch screens (client/app.css).
 *
 * @module
 */

/** Props of {@linkcode MenuButton}. */
export interface MenuButtonProps {
  open: boolean;
  onToggle(): void;
}

/** A round button with three bars. */
export function MenuButton(props: MenuButtonProps) {
  return (
    <button
      type="button"
      class="menu-button"
      aria-label="Menu (Ctrl+Shift+M)"
      title="Menu (Ctrl+Shift+M)"
      aria-expanded={props.open}
      aria-haspopup="dialog"
      // Keep the focus on the desktop's keyboard field: typing goes on reaching the desktop.
      onMouseDown={(ev) => ev.preventDefault()}
      onClick={props.onToggle}
    >
      <span aria-hidden="true">☰</span>
    </button>
  );
}

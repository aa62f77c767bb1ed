/*
 * Copy buttons for customer pages (the CSP forbids inline script):
 *   <input id="x" readonly value="…"> <button data-copy="#x" data-copied="Copied" hidden>Copy</button>
 * Buttons start hidden so a page without JavaScript shows only the selectable field.
 */
(() => {
  const buttons = document.querySelectorAll("button[data-copy]");
  if (!navigator.clipboard) return;
  for (const button of buttons) {
    const field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) continue;
    const label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", async () => {
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
        button.textContent = button.getAttribute("data-copied") || label;
        setTimeout(() => {
          button.textContent = label;
        }, 2000);
      } catch {
        // Selection is still there for a manual copy.
      }
    });
  }
})();

// edgecamp staff UI: small enhancements on top of htmx. Everything works without this file.
// Kept in a static file (no inline script) so a strict Content-Security-Policy can apply.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // After a failed submission, move focus to the summary of errors so it is read out first.
  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});

document.addEventListener("htmx:afterSwap", (event) => {
  // "Add member": put the cursor in the new member's first field.
  const target = event.detail.target;
  if (target && target.id === "member-rows") {
    const rows = target.querySelectorAll("fieldset.member");
    const last = rows[rows.length - 1];
    const first = last && last.querySelector("input:not([type=hidden]), select");
    if (first) {
      first.focus();
    }
  }
});

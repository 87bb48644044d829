// Behaviour the pages once wrote inline, kept in a static file so the Content-Security-Policy allows no inline
// script (docs/hardening.md): data-confirm asks before a submit, data-autosubmit submits a filter on change.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
});

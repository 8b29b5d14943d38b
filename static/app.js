// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");
// htmx requests carry the CSRF token from the page's meta tag (forms carry their own field).
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) event.detail.headers["X-CSRFToken"] = meta.content;
});

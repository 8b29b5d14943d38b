// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");

// Texts for the scripts come from the page (templates/base.html, #ui-texts) in the interface
// language; %(name)s placeholders are filled from `values`. Scripts hold no interface text.
window.wbText = (key, values) => {
  if (!window.wbText.texts) {
    const block = document.getElementById("ui-texts");
    try {
      window.wbText.texts = block ? JSON.parse(block.textContent) : {};
    } catch (error) {
      window.wbText.texts = {};
    }
  }
  let text = window.wbText.texts[key] || key;
  for (const [name, value] of Object.entries(values || {})) {
    text = text.split(`%(${name})s`).join(String(value));
  }
  return text;
};
window.wbLocale = () => document.documentElement.lang || "de";

// htmx requests carry the CSRF token from the page's meta tag (forms carry their own field).
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) event.detail.headers["X-CSRFToken"] = meta.content;
});

// Offline copies of household pages must not outlive the session (see static/sw.js).
async function purgeOfflineCopies() {
  if (!window.caches) return;
  await Promise.all([caches.delete("wb-pages"), caches.delete("wb-meta")]);
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("form[data-logout]")) return;
  event.preventDefault();
  purgeOfflineCopies().finally(() => form.submit());
});

if (document.body.dataset.page === "auth.login") purgeOfflineCopies();

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(() => {});
}

// Polling views (e.g. the office-hour queue) send the ETag they show; an unchanged state
// answers 304 with no body, and then nothing is swapped.
document.addEventListener("htmx:configRequest", (event) => {
  const etag = event.detail.elt.dataset && event.detail.elt.dataset.etag;
  if (etag) event.detail.headers["If-None-Match"] = etag;
});
// Polls must not keep an unattended phone signed in: after the idle limit without a touch or
// key press the polls pause (the session then times out as usual) and resume on interaction.
let lastInteraction = Date.now();
for (const type of ["pointerdown", "keydown"]) {
  document.addEventListener(type, () => { lastInteraction = Date.now(); }, {passive: true});
}
document.addEventListener("htmx:beforeRequest", (event) => {
  const idle = Number(event.detail.elt.dataset && event.detail.elt.dataset.idleSeconds);
  if (idle && Date.now() - lastInteraction > idle * 1000) event.preventDefault();
});
document.addEventListener("htmx:beforeSwap", (event) => {
  const xhr = event.detail.xhr;
  if (xhr.status === 304) event.detail.shouldSwap = false;
  // A fragment request whose session ran out lands on the login page: show it whole.
  if (xhr.responseURL && new URL(xhr.responseURL).pathname === "/login") {
    event.detail.shouldSwap = false;
    window.location.assign(xhr.responseURL);
  }
});

// A failed htmx request says so where everyone sees and hears it (#request-status, an
// aria-live region in templates/base.html). htmx swaps no error answer (4xx/5xx), so the form
// keeps what was typed. The outbox (static/outbox.js) keeps its own forms' notes instead.
const retryable = (status) => status === 0 || status === 408 || status === 429 || status >= 500;
function showRequestStatus(key, status) {
  const region = document.getElementById("request-status");
  if (!region) return;
  region.textContent = window.wbText(key, {status});
  region.hidden = false;
}
function keptByOutbox(elt, status) {
  return window.WegbegleiterOutbox && retryable(status) && elt.closest && elt.closest("form[data-outbox]");
}
document.addEventListener("htmx:sendError", (event) => {
  if (!keptByOutbox(event.detail.elt, 0)) showRequestStatus("requestFailed", 0);
});
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  if (keptByOutbox(event.detail.elt, status)) return;
  showRequestStatus(retryable(status) ? "serverUnavailable" : "requestRefused", status);
});
document.addEventListener("htmx:afterRequest", (event) => {
  const region = document.getElementById("request-status");
  if (region && event.detail.successful) region.hidden = true;
});

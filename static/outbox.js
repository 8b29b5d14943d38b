// Outbox for contact notes: nothing typed on a phone is lost to a bad connection or an outage.
// A form marked data-outbox is sent by htmx as usual; if the request fails on the network or
// the server cannot take it (5xx, 503, 429), the entry (with its idempotency key) is kept in
// IndexedDB and sent again with growing pauses (at least the server's Retry-After): on a timer,
// on the "online" event, on page load, by the "Jetzt senden" button and by Background Sync. A
// replay first fetches a fresh CSRF token; the server answers 201 (saved, or already saved:
// same idempotency key), 422 with the reasons ("needs correction": the entry can be reopened in
// the contact form, corrected and resent with its key), 401 (signed out: kept) or 403/404.
// Entries belong to the user who typed them (body[data-user]): only theirs are shown and sent;
// they stay on the device when that user signs out (docs/data-protection.md).
(() => {
  const DB = "wegbegleiter-outbox";
  const t = (key, values) => window.wbText(key, values); // texts: templates/base.html
  const STORE = "entries";
  const REOPEN = "wb-outbox-reopen"; // sessionStorage: a form re-rendered for correction
  const FIRST_PAUSE = 2000;
  const LONGEST_PAUSE = 5 * 60 * 1000;
  const me = () => document.body.dataset.user || "";

  function db() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, {keyPath: "key"});
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function tx(mode, fn) {
    const conn = await db();
    return new Promise((resolve, reject) => {
      const t = conn.transaction(STORE, mode);
      const result = fn(t.objectStore(STORE));
      t.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      t.onerror = () => reject(t.error);
    });
  }

  const Outbox = {
    put: (entry) => tx("readwrite", (s) => s.put(entry)),
    all: () => tx("readonly", (s) => s.getAll()),
    remove: (key) => tx("readwrite", (s) => s.delete(key)),
    // Only the signed-in user's entries. One kept by an older version has no owner: it is
    // shown for review, never sent as it is (reopening it makes the sender its author).
    mine: async () => (await Outbox.all())
      .filter((e) => !e.user || e.user === me())
      .map((e) => (e.user ? e : {...e, state: "correction", reason: t("outboxOwnerUnknown")})),
    get: async (key) => (await Outbox.mine()).find((e) => e.key === key),
  };

  function entryFromForm(form) {
    const fields = [...new FormData(form).entries()].filter(([name]) => name !== "csrf_token");
    const key = form.querySelector("[name=idempotency_key]").value;
    return {
      key, url: form.action, fields, household: form.dataset.household || "", user: me(),
      label: form.dataset.outboxLabel || t("outboxDefaultLabel"), createdAt: new Date().toISOString(),
      state: "waiting", reason: "", attempts: 0, nextTry: 0,
    };
  }

  // Pause before the next try: doubling from FIRST_PAUSE, jittered so that phones do not all
  // come back at once after an outage, never shorter than the server's Retry-After.
  function pause(attempts, retryAfter) {
    const doubling = Math.min(LONGEST_PAUSE, FIRST_PAUSE * 2 ** attempts);
    return Math.max(retryAfter || 0, doubling * (0.8 + Math.random() * 0.4));
  }

  function retryAfter(header) {
    if (!header) return 0;
    const seconds = Number(header);
    if (!Number.isNaN(seconds)) return seconds * 1000;
    const when = Date.parse(header);
    return Number.isNaN(when) ? 0 : Math.max(0, when - Date.now());
  }

  const retryable = (status) => status === 0 || status === 400 || status === 408 || status === 429 || status >= 500;

  function postponed(entry, outcome) {
    const attempts = (entry.attempts || 0) + 1;
    return {
      ...entry, state: "waiting", attempts, reason: outcome.status ? "server" : "",
      nextTry: Date.now() + pause(attempts - 1, outcome.retryAfter),
    };
  }

  async function freshToken() {
    const response = await fetch("/session/csrf", {credentials: "same-origin", cache: "no-store"});
    if (response.status === 401) return {token: null};
    if (!response.ok) return {status: response.status, retryAfter: retryAfter(response.headers.get("Retry-After"))};
    return {token: (await response.json()).token};
  }

  // One POST of an entry; result "sent", "signin", "retry", "correction" or "rejected".
  async function postEntry(entry, token) {
    const body = new URLSearchParams(entry.fields);
    body.set("csrf_token", token);
    let response;
    try {
      response = await fetch(entry.url, {
        method: "POST", body, credentials: "same-origin", redirect: "manual",
        headers: {"X-Outbox-Replay": "1", "X-CSRFToken": token},
      });
    } catch (error) {
      return {result: "retry", status: 0};
    }
    const status = response.status;
    if (status === 201) return {result: "sent"};
    if (status === 401 || response.type === "opaqueredirect") return {result: "signin"};
    if (retryable(status)) return {result: "retry", status, retryAfter: retryAfter(response.headers.get("Retry-After"))};
    const text = status === 422 ? (await response.text()).slice(0, 500) : "";
    const reason = text || t("outboxError", {status});
    return {result: status === 422 || status === 413 ? "correction" : "rejected", status, reason};
  }

  let sending = false;
  let timer = null;

  async function sendAll(force) {
    if (sending || !navigator.onLine) return render();
    sending = true;
    try {
      const now = Date.now();
      const entries = (await Outbox.mine())
        .filter((e) => e.state === "waiting" && (force === true || !e.nextTry || e.nextTry <= now));
      if (!entries.length) return;
      let answer;
      try {
        answer = await freshToken();
      } catch (error) {
        answer = {status: 0};
      }
      if (answer.token === null) {
        for (const e of entries) await Outbox.put({...e, reason: "signin"});
        return;
      }
      if (!answer.token) {
        for (const e of entries) await Outbox.put(postponed(e, answer));
        return;
      }
      const panel = document.getElementById("outbox");
      let sentHere = false;
      for (const entry of entries) {
        const outcome = await postEntry(entry, answer.token);
        if (outcome.result === "sent") {
          await Outbox.remove(entry.key);
          sentHere = sentHere || (panel && panel.dataset.household === entry.household);
        } else if (outcome.result === "signin") {
          await Outbox.put({...entry, reason: "signin"});
          break;
        } else if (outcome.result === "retry") {
          await Outbox.put(postponed(entry, outcome));
          break; // the connection or the server is down: the others wait too
        } else {
          await Outbox.put({...entry, state: outcome.result, reason: outcome.reason});
        }
      }
      if (sentHere) window.location.reload(); // show the sent contacts in the timeline
    } finally {
      sending = false;
      await render();
      await schedule();
    }
  }

  // One timer for the earliest waiting entry of this user.
  async function schedule() {
    clearTimeout(timer);
    const due = (await Outbox.mine()).filter((e) => e.state === "waiting" && e.nextTry).map((e) => e.nextTry);
    if (due.length) timer = setTimeout(sendAll, Math.max(500, Math.min(...due) - Date.now()));
  }

  function esc(text) {
    const div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  const localTime = (value, style) => new Date(value).toLocaleString(window.wbLocale(), style);

  function stateText(e) {
    if (e.state === "correction") return `<strong>${esc(t("outboxCorrection"))}</strong> ${esc(e.reason)}`;
    if (e.state === "rejected") return `<strong>${esc(t("outboxRejected"))}</strong> ${esc(e.reason)}`;
    if (e.reason === "signin") return esc(t("outboxSignIn"));
    if (e.reason === "server" && e.nextTry) return esc(t("outboxRetrying", {time: localTime(e.nextTry, {timeStyle: "short"})}));
    return esc(t("outboxWaiting"));
  }

  let pendingMine = 0; // for the sign-out question, which cannot wait for IndexedDB

  async function render() {
    const entries = await Outbox.mine();
    const waiting = entries.filter((e) => e.state === "waiting");
    const correction = entries.filter((e) => e.state === "correction");
    pendingMine = entries.length;
    const badge = document.getElementById("outbox-count");
    if (badge) {
      badge.hidden = entries.length === 0;
      if (waiting.length) badge.textContent = t("outboxWaitingCount", {n: waiting.length});
      else if (correction.length) badge.textContent = t("outboxCorrectionCount", {n: correction.length});
      else badge.textContent = t("outboxRejectedCount", {n: entries.length});
    }
    const panel = document.getElementById("outbox");
    if (!panel) return;
    const here = panel.dataset.household;
    const shown = entries.filter((e) => !here || e.household === here);
    panel.hidden = shown.length === 0;
    panel.querySelector("ul").innerHTML = shown.map((e) => {
      const when = localTime(e.createdAt, {dateStyle: "short", timeStyle: "short"});
      const entry = t("outboxEntry", {label: esc(e.label), when: esc(when), state: stateText(e)});
      const reopen = e.state === "correction"
        ? ` <a class="button" href="${esc(e.url)}?outbox=${encodeURIComponent(e.key)}">${esc(t("outboxReopen"))}</a>` : "";
      const discard = e.state === "waiting" ? ""
        : ` <button type="button" data-discard="${esc(e.key)}">${esc(t("outboxDiscard"))}</button>`;
      return `<li data-key="${esc(e.key)}">${entry}${reopen}${discard}</li>`;
    }).join("");
  }

  function newKey() {
    return window.crypto && crypto.randomUUID ? crypto.randomUUID() : null;
  }

  // The form's note and key now live in the outbox: start a fresh entry with a new key.
  function startNewEntry(form, key, message) {
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const name = localStorage.key(i);
      if (name && name.startsWith("wb-contact-draft:") && name.endsWith(":" + key)) {
        localStorage.removeItem(name);
      }
    }
    const fresh = newKey();
    if (fresh) {
      form.querySelector("[name=idempotency_key]").value = fresh;
      form.dataset.draftKey = fresh;
    }
    delete form.dataset.outboxReopen;
    const note = form.querySelector("textarea[name=note]");
    if (note) note.value = "";
    let notice = form.querySelector(".outbox-saved");
    if (!notice) {
      notice = document.createElement("p");
      notice.className = "flash outbox-saved";
      notice.setAttribute("role", "status");
      form.prepend(notice);
    }
    notice.textContent = t(message || "outboxSavedOffline");
  }

  async function enqueue(form, outcome) {
    const entry = entryFromForm(form);
    await Outbox.put(postponed(entry, outcome || {status: 0})); // first retry in a moment
    if ("serviceWorker" in navigator && "SyncManager" in window) {
      navigator.serviceWorker.ready
        .then((registration) => registration.sync.register("outbox"))
        .catch(() => {});
    }
    startNewEntry(form, entry.key, outcome && outcome.status ? "outboxSavedOutage" : "outboxSavedOffline");
    await render();
    await schedule();
  }

  const outboxForm = (elt) => elt.closest && elt.closest("form[data-outbox]");

  // htmx-enhanced form: the request failed on the network (it may or may not have arrived;
  // the idempotency key makes the replay safe either way) or the server could not take it.
  document.addEventListener("htmx:sendError", async (event) => {
    const elt = event.detail.elt;
    const form = outboxForm(elt);
    if (form) {
      await enqueue(form);
    } else if (elt.matches && elt.matches("a[data-offline-fallback]")) {
      window.location.href = elt.href; // the service worker may hold an offline copy
    }
  });
  document.addEventListener("htmx:responseError", async (event) => {
    const xhr = event.detail.xhr;
    const form = outboxForm(event.detail.elt);
    if (form && retryable(xhr.status)) {
      await enqueue(form, {status: xhr.status, retryAfter: retryAfter(xhr.getResponseHeader("Retry-After"))});
    }
  });

  // Plain form (no htmx, e.g. a reopened entry): send through the replay path, so a failure
  // is kept. A 422 keeps the entry for correction and lets the server show its messages next
  // to the fields, with everything typed and the same key.
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches("form[data-outbox]") || form.hasAttribute("hx-post")) return;
    if (form.dataset.outboxBypass) return;
    event.preventDefault();
    const entry = entryFromForm(form);
    await Outbox.put(entry);
    let answer;
    try {
      answer = await freshToken();
    } catch (error) {
      answer = {status: 0};
    }
    const outcome = answer.token ? await postEntry(entry, answer.token)
      : answer.token === null ? {result: "signin"} : {result: "retry", ...answer};
    if (outcome.result === "sent") {
      await Outbox.remove(entry.key);
      sessionStorage.removeItem(REOPEN);
      startNewEntry(form, entry.key);
      window.location.href = `/households/${form.dataset.household}#timeline`;
      return;
    }
    if (outcome.result === "correction") {
      await Outbox.put({...entry, state: "correction", reason: outcome.reason});
      sessionStorage.setItem(REOPEN, entry.key);
      form.querySelector("[name=csrf_token]").value = answer.token;
      form.dataset.outboxBypass = "1";
      form.submit();
      return;
    }
    if (outcome.result === "signin") await Outbox.put({...entry, reason: "signin"});
    else if (outcome.result === "retry") await Outbox.put(postponed(entry, outcome));
    else await Outbox.put({...entry, state: "rejected", reason: outcome.reason});
    startNewEntry(form, entry.key, outcome.status ? "outboxSavedOutage" : "outboxSavedOffline");
    await render();
    await schedule();
  });

  // Fill a contact form with an entry that needs correction (…/contacts/new?outbox=KEY).
  function fill(form, entry) {
    const values = {};
    for (const [name, value] of entry.fields) (values[name] = values[name] || []).push(value);
    for (const el of form.elements) {
      if (!el.name || el.name === "csrf_token" || el.type === "submit") continue;
      const given = values[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") el.checked = given.includes(el.value);
      else if (el.multiple) [...el.options].forEach((o) => { o.selected = given.includes(o.value); });
      else if (given.length) el.value = given[0];
      if (el.checked) el.dispatchEvent(new Event("change", {bubbles: true}));
    }
    const alert = document.createElement("p");
    alert.className = "error";
    alert.setAttribute("role", "alert");
    alert.textContent = t("outboxReopened", {reason: entry.reason});
    form.prepend(alert);
  }

  async function reopen() {
    const form = document.querySelector("form[data-outbox]");
    if (!form) return;
    const keyInput = form.querySelector("[name=idempotency_key]");
    const wanted = new URLSearchParams(window.location.search).get("outbox");
    if (wanted) {
      const entry = await Outbox.get(wanted);
      if (entry && entry.state === "correction") {
        form.dataset.draftKey = entry.key;
        form.dataset.outboxReopen = entry.key;
        fill(form, entry);
      }
    } else if (sessionStorage.getItem(REOPEN) === keyInput.value) {
      form.dataset.outboxReopen = keyInput.value; // the server's answer to a corrected entry
    }
  }

  // A cached copy of the form carries a key that may already be in the outbox: renew it
  // (not in the form that corrects that very entry).
  async function renewUsedKeys() {
    const used = new Set((await Outbox.all()).map((e) => e.key));
    document.querySelectorAll("form[data-outbox] [name=idempotency_key]").forEach((input) => {
      if (used.has(input.value) && input.form.dataset.outboxReopen !== input.value) {
        const fresh = newKey();
        if (fresh) {
          input.value = fresh;
          input.form.dataset.draftKey = fresh;
        }
      }
    });
  }
  document.addEventListener("htmx:load", renewUsedKeys);

  // A contact written into a form kept from earlier (offline copy, open tab) happened when it
  // was typed, not when the form was rendered: the time field follows the first keystroke
  // unless the user set it (the server checks the bounds: app/contacts/forms.py).
  function localNow() {
    const d = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }
  function followTyping(event) {
    const form = outboxForm(event.target);
    if (!form || !form.hasAttribute("data-time-follows-typing") || form.dataset.outboxReopen) return;
    const time = form.querySelector("[name=occurred_at]");
    if (!time) return;
    if (event.target === time) form.removeAttribute("data-time-follows-typing"); // set by hand
    else if (time.value === time.defaultValue) time.value = localNow();
  }
  document.addEventListener("input", followTyping);
  document.addEventListener("change", followTyping);

  // Signing out keeps the user's unsent entries on the device (sent after their next sign-in,
  // never under another name); ask first. Capture phase: before app.js submits the form.
  document.addEventListener("submit", (event) => {
    if (!event.target.matches("form[data-logout]") || !pendingMine) return;
    if (!window.confirm(t("outboxSignOutConfirm", {n: pendingMine}))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", async (event) => {
    const target = event.target;
    if (target.matches("[data-outbox-send]")) sendAll(true);
    const key = target.dataset && target.dataset.discard;
    // Discarding is the only way an entry leaves without being sent, and only on request.
    if (key && window.confirm(t("outboxDiscardConfirm"))) {
      await Outbox.remove(key);
      render();
    }
  });

  window.addEventListener("online", () => sendAll(true));
  navigator.serviceWorker && navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data && event.data.type === "outbox-sync") sendAll(true);
  });
  window.WegbegleiterOutbox = {all: Outbox.all, sendAll};
  // On load only what is due: an outage's pauses hold across page loads.
  const start = () => reopen().then(renewUsedKeys).then(() => sendAll());
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// Outbox for contact notes: nothing typed on a phone is lost to a bad connection.
// A form marked data-outbox is sent by htmx as usual; if the request fails on the network, the
// entry (with its idempotency key) is kept in IndexedDB and sent again when the connection
// returns: on the "online" event, on page load, by the "Jetzt senden" button, and by
// Background Sync where the browser has it. A replay first fetches a fresh CSRF token; the
// server answers a replay with 201 (saved, or already saved: same idempotency key), 422 with
// the reason (kept for correction), 401 (signed out: kept, user asked to sign in) or 403/404.
(() => {
  const DB = "wegbegleiter-outbox";
  const t = (key, values) => window.wbText(key, values); // texts: templates/base.html
  const STORE = "entries";

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
  };

  function entryFromForm(form) {
    const fields = [...new FormData(form).entries()].filter(([name]) => name !== "csrf_token");
    const key = form.querySelector("[name=idempotency_key]").value;
    return {
      key, url: form.action, fields, household: form.dataset.household || "",
      label: form.dataset.outboxLabel || t("outboxDefaultLabel"), createdAt: new Date().toISOString(),
      state: "waiting", reason: "",
    };
  }

  async function freshToken() {
    const response = await fetch("/session/csrf", {credentials: "same-origin", cache: "no-store"});
    if (response.status === 401) return null;
    if (!response.ok) throw new Error("csrf " + response.status);
    return (await response.json()).token;
  }

  let sending = false;

  // One POST of an entry; returns "sent", "signin", "offline" or "rejected".
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
      return {result: "offline"};
    }
    if (response.status === 201) return {result: "sent"};
    if (response.status === 401 || response.type === "opaqueredirect") return {result: "signin"};
    const reason = (await response.text()).slice(0, 500) || t("outboxError", {status: response.status});
    return {result: "rejected", status: response.status, reason};
  }

  async function sendAll() {
    if (sending || !navigator.onLine) return render();
    sending = true;
    try {
      const entries = (await Outbox.all()).filter((e) => e.state === "waiting");
      if (!entries.length) return;
      const token = await freshToken();
      if (token === null) {
        for (const e of entries) await Outbox.put({...e, reason: "signin"});
        return;
      }
      const panel = document.getElementById("outbox");
      let sentHere = false;
      for (const entry of entries) {
        const outcome = await postEntry(entry, token);
        if (outcome.result === "offline") break; // keep everything, try again later
        if (outcome.result === "sent") {
          await Outbox.remove(entry.key);
          sentHere = sentHere || (panel && panel.dataset.household === entry.household);
        } else if (outcome.result === "signin") {
          await Outbox.put({...entry, reason: "signin"});
          break;
        } else {
          await Outbox.put({...entry, state: "rejected", reason: outcome.reason});
        }
      }
      if (sentHere) window.location.reload(); // show the sent contacts in the timeline
    } catch (error) {
      // A failed token fetch means no connection either; entries stay.
    } finally {
      sending = false;
      await render();
    }
  }

  function esc(text) {
    const div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  async function render() {
    const entries = await Outbox.all();
    const waiting = entries.filter((e) => e.state === "waiting");
    const badge = document.getElementById("outbox-count");
    if (badge) {
      badge.hidden = entries.length === 0;
      badge.textContent = waiting.length
        ? t("outboxWaitingCount", {n: waiting.length})
        : t("outboxRejectedCount", {n: entries.length});
    }
    const panel = document.getElementById("outbox");
    if (!panel) return;
    const here = panel.dataset.household;
    const mine = entries.filter((e) => !here || e.household === here);
    panel.hidden = mine.length === 0;
    const list = panel.querySelector("ul");
    list.innerHTML = mine.map((e) => {
      const when = new Date(e.createdAt).toLocaleString(window.wbLocale(), {dateStyle: "short", timeStyle: "short"});
      const note = e.state === "rejected"
        ? `<strong>${esc(t("outboxRejected"))}</strong> ${esc(e.reason)}`
        : esc(e.reason === "signin" ? t("outboxSignIn") : t("outboxWaiting"));
      const entry = t("outboxEntry", {label: esc(e.label), when: esc(when), state: note});
      return `<li data-key="${esc(e.key)}">${entry}`
        + (e.state === "rejected" ? ` <button type="button" data-discard="${esc(e.key)}">${esc(t("outboxDiscard"))}</button>` : "")
        + "</li>";
    }).join("");
  }

  function newKey() {
    return window.crypto && crypto.randomUUID ? crypto.randomUUID() : null;
  }

  // The form's note and key now live in the outbox: start a fresh entry with a new key.
  function startNewEntry(form, key) {
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
    const note = form.querySelector("textarea[name=note]");
    if (note) note.value = "";
    let notice = form.querySelector(".outbox-saved");
    if (!notice) {
      notice = document.createElement("p");
      notice.className = "flash outbox-saved";
      notice.setAttribute("role", "status");
      form.prepend(notice);
    }
    notice.textContent = t("outboxSavedOffline");
  }

  async function enqueue(form) {
    const entry = entryFromForm(form);
    await Outbox.put(entry);
    if ("serviceWorker" in navigator && "SyncManager" in window) {
      navigator.serviceWorker.ready
        .then((registration) => registration.sync.register("outbox"))
        .catch(() => {});
    }
    startNewEntry(form, entry.key);
    await render();
  }

  // htmx-enhanced form: the request failed on the network (it may or may not have arrived;
  // the idempotency key makes the replay safe either way).
  document.addEventListener("htmx:sendError", async (event) => {
    const elt = event.detail.elt;
    const form = elt.closest && elt.closest("form[data-outbox]");
    if (form) {
      await enqueue(form);
    } else if (elt.matches && elt.matches("a[data-offline-fallback]")) {
      window.location.href = elt.href; // the service worker may hold an offline copy
    }
  });

  // Plain form (no htmx): send through the same replay path, so a failure is kept.
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches("form[data-outbox]") || form.hasAttribute("hx-post")) return;
    if (form.dataset.outboxBypass) return;
    event.preventDefault();
    const entry = entryFromForm(form);
    await Outbox.put(entry);
    let token = null;
    try {
      token = await freshToken();
    } catch (error) {
      token = undefined; // offline
    }
    const outcome = token ? await postEntry(entry, token) : {result: token === null ? "signin" : "offline"};
    if (outcome.result === "sent") {
      await Outbox.remove(entry.key);
      startNewEntry(form, entry.key);
      window.location.href = `/households/${form.dataset.household}#timeline`;
    } else if (outcome.result === "rejected" && outcome.status === 422) {
      // Let the server render its messages next to the fields, with everything typed.
      await Outbox.remove(entry.key);
      form.dataset.outboxBypass = "1";
      form.submit();
    } else {
      if (outcome.result === "signin") await Outbox.put({...entry, reason: "signin"});
      if (outcome.result === "rejected") {
        await Outbox.put({...entry, state: "rejected", reason: outcome.reason});
      }
      startNewEntry(form, entry.key);
      await render();
    }
  });

  // A cached copy of the form carries a key that may already be in the outbox: renew it.
  async function renewUsedKeys() {
    const used = new Set((await Outbox.all()).map((e) => e.key));
    document.querySelectorAll("form[data-outbox] [name=idempotency_key]").forEach((input) => {
      if (used.has(input.value)) {
        const fresh = newKey();
        if (fresh) {
          input.value = fresh;
          input.form.dataset.draftKey = fresh;
        }
      }
    });
  }
  document.addEventListener("htmx:load", renewUsedKeys);

  document.addEventListener("click", async (event) => {
    const target = event.target;
    if (target.matches("[data-outbox-send]")) sendAll();
    const key = target.dataset && target.dataset.discard;
    // Discarding is the only way an entry leaves without being sent, and only on request.
    if (key && window.confirm(t("outboxDiscardConfirm"))) {
      await Outbox.remove(key);
      render();
    }
  });

  window.addEventListener("online", sendAll);
  navigator.serviceWorker && navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data && event.data.type === "outbox-sync") sendAll();
  });
  window.WegbegleiterOutbox = {all: Outbox.all, sendAll};
  const start = () => renewUsedKeys().then(sendAll);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

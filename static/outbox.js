// Outbox for contact notes: nothing typed on a phone is lost to a bad connection.
// A form marked data-outbox is sent by htmx as usual; if the request fails on the network, the
// entry (with its idempotency key) is kept in IndexedDB and sent again when the connection
// returns: on the "online" event, on page load, by the "Jetzt senden" button, and by
// Background Sync where the browser has it. A replay first fetches a fresh CSRF token; the
// server answers a replay with 201 (saved, or already saved: same idempotency key), 422 with
// the reason (kept for correction), 401 (signed out: kept, user asked to sign in) or 403/404.
(() => {
  const DB = "wegbegleiter-outbox";
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
      label: form.dataset.outboxLabel || "Kontakt", createdAt: new Date().toISOString(),
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
      for (const entry of entries) {
        const body = new URLSearchParams(entry.fields);
        body.set("csrf_token", token);
        let response;
        try {
          response = await fetch(entry.url, {
            method: "POST", body, credentials: "same-origin",
            headers: {"X-Outbox-Replay": "1", "X-CSRFToken": token},
          });
        } catch (error) {
          break; // still offline: keep everything, try again later
        }
        if (response.status === 201) {
          await Outbox.remove(entry.key);
        } else if (response.status === 401) {
          await Outbox.put({...entry, reason: "signin"});
          break;
        } else {
          const reason = (await response.text()).slice(0, 500) || `Fehler ${response.status}`;
          await Outbox.put({...entry, state: "rejected", reason});
        }
      }
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
      badge.textContent = waiting.length ? `${waiting.length} wartet auf Senden` : `${entries.length} abgelehnt`;
    }
    const panel = document.getElementById("outbox");
    if (!panel) return;
    const here = panel.dataset.household;
    const mine = entries.filter((e) => !here || e.household === here);
    panel.hidden = mine.length === 0;
    const list = panel.querySelector("ul");
    list.innerHTML = mine.map((e) => {
      const when = new Date(e.createdAt).toLocaleString("de-DE", {dateStyle: "short", timeStyle: "short"});
      const note = e.state === "rejected"
        ? `<strong>Abgelehnt:</strong> ${esc(e.reason)}`
        : (e.reason === "signin" ? "wartet – bitte neu anmelden" : "wartet auf Senden");
      return `<li data-key="${esc(e.key)}">${esc(e.label)} vom ${esc(when)}: ${note}`
        + (e.state === "rejected" ? ` <button type="button" data-discard="${esc(e.key)}">Verwerfen</button>` : "")
        + "</li>";
    }).join("");
  }

  document.addEventListener("htmx:sendError", async (event) => {
    const form = event.detail.elt.closest && event.detail.elt.closest("form[data-outbox]");
    if (!form) return;
    await Outbox.put(entryFromForm(form));
    if ("serviceWorker" in navigator && "SyncManager" in window) {
      const registration = await navigator.serviceWorker.ready;
      registration.sync.register("outbox").catch(() => {});
    }
    const notice = document.getElementById("outbox-saved");
    if (notice) notice.hidden = false;
    await render();
  });

  document.addEventListener("click", async (event) => {
    const target = event.target;
    if (target.matches("[data-outbox-send]")) sendAll();
    const key = target.dataset && target.dataset.discard;
    // Discarding is the only way an entry leaves without being sent, and only on request.
    if (key && window.confirm("Diesen nicht gesendeten Eintrag endgültig verwerfen?")) {
      await Outbox.remove(key);
      render();
    }
  });

  window.addEventListener("online", sendAll);
  navigator.serviceWorker && navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data && event.data.type === "outbox-sync") sendAll();
  });
  window.WegbegleiterOutbox = {all: Outbox.all, sendAll};
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", sendAll);
  else sendAll();
})();

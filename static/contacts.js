// Contact entry: progressive enhancement only; the form works without this file.
// - keeps a draft of the note in localStorage (per household and idempotency key), so a
//   reload or an accidental navigation does not lose it; the draft is removed once the
//   contact shows up in the timeline (saved);
// - preset durations and the free entry exclude each other;
// - the place field is only shown for settings that need it;
// - a "wie zuletzt" marker disappears once its field is changed (it no longer says what
//   the form chose);
// - a link of the error summary focuses its field's first input, not just scrolls to it.
(() => {
  const PREFIX = "wb-contact-draft:";
  const store = (() => {
    try {
      const s = window.localStorage;
      s.setItem(PREFIX + "probe", "1");
      s.removeItem(PREFIX + "probe");
      return s;
    } catch (e) {
      return null;
    }
  })();

  function draftKey(form) {
    return PREFIX + form.dataset.draftHousehold + ":" + form.dataset.draftKey;
  }

  function clearSavedDrafts(root) {
    if (!store || !root.querySelectorAll) return;
    root.querySelectorAll("[data-contact-key]").forEach((el) => {
      const key = el.dataset.contactKey;
      for (let i = store.length - 1; i >= 0; i--) {
        const name = store.key(i);
        if (name && name.startsWith(PREFIX) && name.endsWith(":" + key)) store.removeItem(name);
      }
    });
  }

  function latestDraftFor(household) {
    let best = null;
    for (let i = 0; i < store.length; i++) {
      const name = store.key(i);
      if (!name || !name.startsWith(PREFIX + household + ":")) continue;
      try {
        const draft = JSON.parse(store.getItem(name));
        if (draft && draft.note && (!best || draft.at > best.at)) best = { ...draft, name };
      } catch (e) {
        store.removeItem(name);
      }
    }
    return best;
  }

  function setupDraft(form) {
    if (!store || form.dataset.draftReady) return;
    form.dataset.draftReady = "1";
    const note = form.querySelector("textarea[name=note]");
    const keyInput = form.querySelector("input[name=idempotency_key]");
    if (!note || !keyInput) return;
    const editing = form.action.indexOf("/edit") !== -1;
    if (!note.value.trim() && !editing) {
      // A reload renders a fresh key: continue the household's latest unsaved draft, with
      // its key, so that a draft that was in fact saved is still recognised as such.
      const draft = latestDraftFor(form.dataset.draftHousehold);
      if (draft) {
        note.value = draft.note;
        keyInput.value = draft.key;
        form.dataset.draftKey = draft.key;
        const hint = document.createElement("p");
        hint.className = "flash";
        hint.setAttribute("role", "status");
        hint.textContent = window.wbText("draftRestored"); // text: templates/base.html
        note.parentNode.insertBefore(hint, note);
      }
    }
    let timer = null;
    const save = () => {
      // A form that htmx swapped away was saved (or replaced): nothing left to keep.
      if (!form.isConnected) return;
      const value = note.value;
      if (value.trim()) {
        store.setItem(
          draftKey(form),
          JSON.stringify({ note: value, key: keyInput.value, at: Date.now() })
        );
      } else {
        store.removeItem(draftKey(form));
      }
    };
    note.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(save, 400);
    });
    window.addEventListener("pagehide", save);
  }

  function setupDuration(form) {
    const free = form.querySelector("input[name=duration_minutes]");
    const presets = form.querySelectorAll("input[name=duration_preset]");
    if (!free) return;
    presets.forEach((radio) => {
      radio.addEventListener("change", () => {
        if (radio.checked && radio.value) free.value = "";
        if (radio.checked && !radio.value) free.focus();
      });
    });
    free.addEventListener("input", () => {
      if (!free.value) return;
      presets.forEach((radio) => {
        radio.checked = radio.value === "";
      });
    });
  }

  function setupPlace(form) {
    const place = form.querySelector("[data-shown-for]");
    if (!place) return;
    const wanted = place.dataset.shownFor.split(" ");
    const update = () => {
      const checked = form.querySelector("input[name=setting]:checked");
      const needed = checked && wanted.includes(checked.value);
      const hasError = place.querySelector(".error");
      place.hidden = !needed && !hasError;
    };
    form.querySelectorAll("input[name=setting]").forEach((r) => r.addEventListener("change", update));
    update();
  }

  function setupPreselected(form) {
    const hide = (event) => {
      const name = event.target.name;
      if (!name) return;
      form.querySelectorAll("[data-preselected]").forEach((marker) => {
        if (marker.dataset.preselected === name) marker.hidden = true;
      });
    };
    form.addEventListener("change", hide);
    form.addEventListener("input", hide);
  }

  function setupSummary(form) {
    form.querySelectorAll(".error-summary a[href^='#']").forEach((link) => {
      link.addEventListener("click", (event) => {
        const target = document.getElementById(link.getAttribute("href").slice(1));
        if (!target) return;
        const input = target.matches("input,select,textarea")
          ? target
          : target.querySelector("input:not([type=hidden]),select,textarea");
        if (!input) return;
        event.preventDefault();
        target.scrollIntoView({ block: "center" });
        input.focus({ preventScroll: true });
      });
    });
  }

  function init(root) {
    clearSavedDrafts(root);
    const forms = Array.from(root.querySelectorAll("form.contact-form"));
    if (root.matches && root.matches("form.contact-form")) forms.push(root);
    forms.forEach((form) => {
      if (form.dataset.enhanced) return;
      form.dataset.enhanced = "1";
      setupDraft(form);
      setupDuration(form);
      setupPlace(form);
      setupPreselected(form);
      setupSummary(form);
    });
  }

  document.addEventListener("DOMContentLoaded", () => init(document));
  document.addEventListener("htmx:load", (event) => init(event.detail.elt));
  // After the form swapped itself away on success, the timeline holds the new contact.
  document.addEventListener("htmx:afterSettle", () => clearSavedDrafts(document));
})();

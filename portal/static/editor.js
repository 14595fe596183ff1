// Editor helpers. Everything here is optional: without JavaScript the form still saves.
// 1. A small formatting toolbar for phones.
// 2. Unsent text is kept in this browser (localStorage) and offered back after a
//    dropped connection or a closed tab; it is removed once the page is saved.
(function () {
  "use strict";
  var PREFIX = "gt-draft:";

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function setupToolbar(form, textarea) {
    var toolbar = form.querySelector(".toolbar");
    if (!toolbar) { return; }
    toolbar.hidden = false;
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button.tool");
      if (!button) { return; }
      var start = textarea.selectionStart, end = textarea.selectionEnd;
      var value = textarea.value, selected = value.slice(start, end);
      var insert;
      if (button.dataset.wrap) {
        insert = button.dataset.wrap + (selected || "text") + button.dataset.wrap;
      } else if (button.dataset.prefix) {
        var lineStart = value.lastIndexOf("\n", start - 1) + 1;
        textarea.setRangeText(button.dataset.prefix, lineStart, lineStart, "end");
        textarea.focus();
        textarea.dispatchEvent(new Event("input"));
        return;
      } else if (button.hasAttribute("data-link")) {
        insert = "[" + (selected || "link text") + "](https://)";
      }
      textarea.setRangeText(insert, start, end, "end");
      textarea.focus();
      textarea.dispatchEvent(new Event("input"));
    });
  }

  function setupDraft(form, textarea, store) {
    var key = PREFIX + form.dataset.draftKey;
    var offer = form.querySelector(".draft-offer");
    var saved = null;
    try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }
    if (saved && saved.text && saved.text !== textarea.value && offer) {
      offer.hidden = false;
      offer.querySelector("[data-draft-restore]").addEventListener("click", function () {
        textarea.value = saved.text;
        offer.hidden = true;
        textarea.focus();
      });
      offer.querySelector("[data-draft-discard]").addEventListener("click", function () {
        store.removeItem(key);
        offer.hidden = true;
      });
    }
    var timer = null;
    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        try { store.setItem(key, JSON.stringify({text: textarea.value, at: Date.now()})); } catch (e) { /* full or private mode */ }
      }, 400);
    });
  }

  function clearSavedDrafts(store) {
    document.querySelectorAll("[data-clear-draft]").forEach(function (marker) {
      store.removeItem(PREFIX + marker.dataset.clearDraft);
    });
    // Logging out clears every draft: a shared family computer keeps nothing behind.
    document.querySelectorAll("form[action$='/logout']").forEach(function (form) {
      form.addEventListener("submit", function () {
        Object.keys(store).forEach(function (name) {
          if (name.indexOf(PREFIX) === 0) { store.removeItem(name); }
        });
      });
    });
  }

  var store = storage();
  document.querySelectorAll("form.editor").forEach(function (form) {
    var textarea = form.querySelector("textarea");
    if (!textarea) { return; }
    setupToolbar(form, textarea);
    if (store) { setupDraft(form, textarea, store); }
  });
  if (store) { clearSavedDrafts(store); }
})();

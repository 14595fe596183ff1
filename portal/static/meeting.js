// The live plan meeting: save a moment after typing stops, and every 2 seconds ask the
// server what changed (the section's newest revision, who is here, notes and actions).
// Others' words replace the text only while this person is not typing and has nothing
// unsaved; otherwise the next save merges on the server. No JS: Save and reload instead.
(function () {
  "use strict";
  var form = document.getElementById("meeting-form");
  if (!form || !window.fetch) return;
  document.documentElement.classList.add("js-meeting");
  var text = form.querySelector("textarea[name=text]");
  var base = form.querySelector("input[name=base]");
  var status = document.getElementById("meeting-status");
  var stateUrl = form.getAttribute("data-state");
  var section = form.getAttribute("data-section");
  var baseText = text.value; // the text of revision `base`, as the server has it
  var lastInput = 0;
  var saveTimer = null;
  var saving = false;
  var again = false;
  var refused = false; // the server said no (meeting ended, too long): wait for new typing
  var SAVE_AFTER = 700;
  var POLL_EVERY = 2000;
  var TYPING = 1500;

  function say(message, warning) {
    status.textContent = message;
    status.classList.toggle("is-warning", !!warning);
  }
  function dirty() { return text.value !== baseText; }
  function typing() { return Date.now() - lastInput < TYPING; }

  function save() {
    clearTimeout(saveTimer);
    if (!dirty()) return;
    if (saving) { again = true; return; }
    saving = true;
    var sent = text.value;
    var data = new FormData(form);
    data.set("text", sent);
    say("Saving…");
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Requested-With": "meeting.js", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return { ok: false, message: "" }; });
    }).then(function (answer) {
      if (!answer.ok) {
        refused = true;
        say(answer.message || "Not saved. Check your connection; your words are still here.", true);
        return;
      }
      if (text.value === sent) {
        // Nothing typed since: show the saved text (others' changes merged in).
        setText(answer.text);
        base.value = answer.revision;
        baseText = answer.text;
      } // else keep the old base: the next save merges from there, losing nothing.
      if (answer.conflict) say(answer.message, true);
      else say(answer.message || "Saved.");
    }).catch(function () {
      say("Not saved: no connection. Your words are still here; they will be sent.", true);
    }).then(function () {
      saving = false;
      if (!refused && (again || dirty())) { again = false; schedule(); }
    });
  }

  function schedule() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, SAVE_AFTER);
  }

  function setText(value) {
    if (text.value === value) return;
    var focused = document.activeElement === text;
    var start = text.selectionStart, end = text.selectionEnd;
    text.value = value;
    if (focused) {
      text.selectionStart = Math.min(start, value.length);
      text.selectionEnd = Math.min(end, value.length);
    }
  }

  function fill(list, items, empty, render) {
    if (!list) return;
    list.textContent = "";
    if (!items.length) {
      var none = document.createElement("li");
      none.className = "hint";
      none.textContent = empty;
      list.appendChild(none);
    }
    items.forEach(function (item) {
      var li = document.createElement("li");
      render(li, item);
      list.appendChild(li);
    });
  }

  function show(state) {
    fill(document.getElementById("meeting-people"), state.people, "", function (li, p) {
      li.textContent = p.name + " (" + p.role + ")" + (p.here ? " – here now" : "");
    });
    fill(document.getElementById("meeting-notes"), state.notes.filter(function (n) { return n.kind === "note"; }),
      "No notes yet.", function (li, n) {
        li.textContent = n.text + " ";
        var by = document.createElement("span");
        by.className = "meta";
        by.textContent = "– " + (n.author || "someone");
        li.appendChild(by);
      });
    fill(document.getElementById("meeting-actions"), state.notes.filter(function (n) { return n.kind === "action"; }),
      "No actions yet.", function (li, n) {
        var who = document.createElement("strong");
        who.textContent = n.who;
        li.appendChild(who);
        li.appendChild(document.createTextNode(": " + n.text + (n.by_when ? " – by " + n.by_when : "")));
      });
  }

  function poll() {
    fetch(stateUrl, { credentials: "same-origin", headers: { "X-Requested-With": "meeting.js" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) return;
        if (state.status !== "open" || state.section !== section) {
          if (!dirty() && !saving) { window.location.reload(); return; }
        }
        if (state.section === section && state.revision > Number(base.value)) {
          if (!dirty() && !typing() && !saving) {
            setText(state.text);
            base.value = state.revision;
            baseText = state.text;
            say("Updated with others' changes.");
          } else if (!typing() && !saving && !refused) {
            save(); // merges theirs with ours on the server
          }
        }
        show(state);
      })
      .catch(function () { /* offline for a moment: try again at the next poll */ })
      .then(function () { setTimeout(poll, POLL_EVERY); });
  }

  text.addEventListener("input", function () {
    lastInput = Date.now();
    refused = false;
    say("");
    schedule();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    save();
  });
  setTimeout(poll, POLL_EVERY);
})();

// Media library helpers. Optional: without JavaScript the upload form still works.
// 1. Uploads show a progress bar (slow connections need to see something happen).
// 2. A young person can record their voice and save it as an item (MediaRecorder).
// 3. An item still being prepared checks itself and reloads when it is ready.
(function () {
  "use strict";

  function csrfToken(form) {
    var field = form.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  // Send a FormData with progress; the server answers JSON {location} or {errors}.
  function send(url, data, onProgress, onDone) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) { onProgress(Math.round(100 * event.loaded / event.total)); }
    });
    xhr.addEventListener("load", function () {
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = null; }
      onDone(xhr.status, answer);
    });
    xhr.addEventListener("error", function () { onDone(0, null); });
    xhr.send(data);
  }

  function setupUpload(form) {
    var bar = form.querySelector(".upload-progress");
    var text = form.querySelector(".upload-progress-text");
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !bar) { return; }
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      bar.hidden = false; text.hidden = false;
      text.textContent = "Uploading…";
      send(form.action, new FormData(form), function (percent) {
        bar.value = percent;
        text.textContent = "Uploading… " + percent + "%";
      }, function (status, answer) {
        button.disabled = false;
        if (answer && answer.location) { window.location.assign(answer.location); return; }
        if (answer && answer.errors) {
          text.textContent = answer.errors.join(" ");
          if (answer.added) { text.textContent += " The other files were added."; }
          return;
        }
        // No answer we understand (a dropped connection, a too-large file): send it the
        // ordinary way, so the page shows the server's own message.
        text.textContent = "The upload did not finish. Please check your connection and try again.";
      });
    });
  }

  function setupRecorder(box, form) {
    if (!window.MediaRecorder || !navigator.mediaDevices) { return; }
    box.hidden = false;
    var start = box.querySelector("[data-record-start]");
    var stop = box.querySelector("[data-record-stop]");
    var save = box.querySelector("[data-record-save]");
    var preview = box.querySelector("[data-record-preview]");
    var status = box.querySelector("[data-record-status]");
    var recorder = null, chunks = [], blob = null;

    start.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        chunks = [];
        recorder = new MediaRecorder(stream);
        recorder.addEventListener("dataavailable", function (e) { if (e.data.size) { chunks.push(e.data); } });
        recorder.addEventListener("stop", function () {
          stream.getTracks().forEach(function (track) { track.stop(); });
          blob = new Blob(chunks, { type: recorder.mimeType || "audio/webm" });
          preview.src = URL.createObjectURL(blob);
          preview.hidden = false; save.hidden = false;
          status.textContent = "Listen back, then save it or record again.";
        });
        recorder.start();
        start.hidden = true; stop.hidden = false; save.hidden = true;
        status.textContent = "Recording…";
      }).catch(function () {
        status.textContent = "We could not use the microphone. Check that this site may use it.";
      });
    });

    stop.addEventListener("click", function () {
      if (recorder && recorder.state !== "inactive") { recorder.stop(); }
      stop.hidden = true; start.hidden = false; start.textContent = "Record again";
    });

    save.addEventListener("click", function () {
      if (!blob) { return; }
      var data = new FormData();
      var extension = (blob.type.indexOf("mp4") !== -1) ? "m4a" : (blob.type.indexOf("ogg") !== -1 ? "ogg" : "webm");
      data.append("csrf_token", csrfToken(form));
      data.append("file", blob, "recording." + extension);
      data.append("title", form.querySelector("[name=title]").value || "My recording");
      data.append("alt", form.querySelector("[name=alt]").value);
      save.disabled = true;
      status.textContent = "Saving…";
      send(form.action, data, function (percent) {
        status.textContent = "Saving… " + percent + "%";
      }, function (code, answer) {
        save.disabled = false;
        if (answer && answer.location) { window.location.assign(answer.location); return; }
        status.textContent = (answer && answer.errors) ? answer.errors.join(" ") :
          "The recording was not saved. It is still here: try again.";
      });
    });
  }

  function watchProcessing(note) {
    var url = note.getAttribute("data-status-url");
    var tries = 0;
    function check() {
      tries += 1;
      var xhr = new XMLHttpRequest();
      xhr.open("GET", url);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.addEventListener("load", function () {
        var answer = null;
        try { answer = JSON.parse(xhr.responseText); } catch (e) { return; }
        if (answer.status !== "processing") { window.location.reload(); }
        else if (tries < 120) { window.setTimeout(check, 3000); }
      });
      xhr.send();
    }
    window.setTimeout(check, 2000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-upload-form]");
    if (form) {
      setupUpload(form);
      var box = document.querySelector("[data-recorder]");
      if (box) { setupRecorder(box, form); }
    }
    var note = document.querySelector(".media-status[data-status-url]");
    if (note) { watchProcessing(note); }
  });
}());

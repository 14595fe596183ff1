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

  // With S3 storage: each file goes from this phone straight to the store (a presigned
  // POST the store checks), then the server is asked to check what arrived.
  function sendDirect(form, files, onProgress, onDone) {
    var done = [], errors = [], index = 0;
    function field(name) { var f = form.querySelector("[name=" + name + "]"); return f ? f.value : ""; }
    function next() {
      if (index >= files.length) {
        onDone(errors.length ? 400 : 200, errors.length ? { errors: errors, added: done.length }
          : { location: done.length === 1 ? done[0] : window.location.pathname });
        return;
      }
      var file = files[index];
      index += 1;
      var ask = new FormData();
      ask.append("csrf_token", csrfToken(form));
      send(form.dataset.directUrl, ask, function () {}, function (status, ticket) {
        if (!ticket || !ticket.url) { errors.push(file.name + ": the upload could not start."); next(); return; }
        var upload = new FormData();
        Object.keys(ticket.fields).forEach(function (name) { upload.append(name, ticket.fields[name]); });
        upload.append("file", file);
        var xhr = new XMLHttpRequest();
        xhr.open("POST", ticket.url);
        xhr.upload.addEventListener("progress", function (event) {
          if (event.lengthComputable) {
            onProgress(Math.round(100 * ((index - 1) + event.loaded / event.total) / files.length));
          }
        });
        xhr.addEventListener("load", function () {
          if (xhr.status >= 300) { errors.push(file.name + ": the store refused it (too large?)."); next(); return; }
          var finish = new FormData();
          finish.append("csrf_token", csrfToken(form));
          finish.append("token", ticket.token);
          finish.append("filename", file.name);
          finish.append("title", files.length === 1 ? field("title") : "");
          finish.append("alt", field("alt"));
          send(form.dataset.directDoneUrl, finish, function () {}, function (code, answer) {
            if (answer && answer.location) { done.push(answer.location); }
            else { errors = errors.concat((answer && answer.errors) || [file.name + ": not added."]); }
            next();
          });
        });
        xhr.addEventListener("error", function () { errors.push(file.name + ": the upload did not finish."); next(); });
        xhr.send(upload);
      });
    }
    next();
  }

  function setupUpload(form) {
    var bar = form.querySelector(".upload-progress");
    var text = form.querySelector(".upload-progress-text");
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !bar) { return; }
      var input = form.querySelector("input[type=file]");
      if (form.dataset.directUrl && input && input.files.length) {
        event.preventDefault();
        bar.hidden = false; text.hidden = false;
        sendDirect(form, Array.prototype.slice.call(input.files), function (percent) {
          bar.value = percent;
          text.textContent = "Uploading… " + percent + "%";
        }, function (status, answer) {
          if (answer.location) { window.location.assign(answer.location); return; }
          text.textContent = answer.errors.join(" ") + (answer.added ? " The other files were added." : "");
        });
        return;
      }
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
        // No answer we understand: a dropped connection, or a body over the server's limit.
        text.textContent = status === 413
          ? "That is bigger than we can take. Videos can be up to " + form.dataset.maxVideoMb + " MB."
          : "The upload did not finish. Please check your connection and try again.";
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

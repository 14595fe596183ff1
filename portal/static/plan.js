// Live quality hints while a caseworker writes a plan item. The server checks the same
// things on save (portal/plans/quality.py); this only says it sooner. No JS: no hints.
(function () {
  "use strict";
  var form = document.querySelector("form[data-vague]");
  if (!form) return;
  var phrases = JSON.parse(form.getAttribute("data-vague"));
  var box = document.getElementById("live-hints");
  var patterns = phrases.map(function (phrase) {
    var words = phrase.split(" ").map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    return { phrase: phrase, re: new RegExp("(^|[^\\w-])" + words.join("[\\s-]+") + "(?![\\w-])", "i") };
  });
  var needed = { timeframe: "by when", measure: "how we will know", how_often: "how often", how_long: "for how long or how much" };

  function check() {
    var notes = [];
    form.querySelectorAll("textarea, input[type=text]").forEach(function (field) {
      patterns.forEach(function (p) {
        if (p.re.test(field.value) && notes.indexOf(p.phrase) < 0) notes.push("“" + p.phrase + "” is vague: say exactly what, how often and for how long.");
      });
      if (needed[field.name] && !field.value.trim()) notes.push("Say " + needed[field.name] + ".");
    });
    box.hidden = notes.length === 0;
    box.querySelector("ul").innerHTML = "";
    notes.forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      box.querySelector("ul").appendChild(li);
    });
  }
  var timer;
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(check, 400); });
  check();
})();

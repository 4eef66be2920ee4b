// Preview only (never in a built site): shows the last build's errors over the page,
// and reloads when a newer build exists, even if a livereload message was missed.
(function () {
  "use strict";
  var script = document.currentScript;
  var served = Number(script && script.dataset.generation);
  var overlay = null;

  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  function show(errors) {
    hide();
    overlay = document.createElement("div");
    overlay.id = "briefings-build-errors";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText =
      "position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;z-index:2147483647;" +
      "background:#2b0d0b;color:#ffe9e6;font:14px/1.5 ui-monospace,monospace;padding:12px 16px;" +
      "border-top:4px solid #e5484d;box-shadow:0 -4px 16px rgba(0,0,0,.4)";
    var title = document.createElement("strong");
    title.textContent = "Build failed — showing the last good version. Fix and save to update.";
    overlay.appendChild(title);
    var list = document.createElement("ul");
    list.style.cssText = "margin:8px 0 0;padding-left:20px";
    errors.forEach(function (line) {
      var item = document.createElement("li");
      item.textContent = line;  // text, never HTML
      list.appendChild(item);
    });
    overlay.appendChild(list);
    document.body.appendChild(overlay);
  }

  function check() {
    // Which page asks: one the last build wrote as it was shown ahead of it is current.
    fetch("/_briefings/status.json?page=" + encodeURIComponent(location.pathname), { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (status.generation > served) { location.reload(); return; }
        if (status.errors.length) { show(status.errors); } else { hide(); }
      })
      .catch(function () { /* server restarting: try again on the next tick */ });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", check);
  } else {
    check();
  }
  // Four times a second: a mistake in a saved file is known at once, before the build ends.
  setInterval(check, 250);
})();

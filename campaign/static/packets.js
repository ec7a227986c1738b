// The delivery packets page while a build waits or runs: its progress, asked for every few seconds
// (progress.json) and said by the status region, then the page again once the build is over.
// Everything works without this file: "Refresh now" reloads the page by hand. No timed reload of
// the page itself: it would move a reader's place and a screen reader's (WCAG 2.2.1).
(function () {
  "use strict";
  var region = document.querySelector("[data-build-progress-url]");
  if (!region || !window.fetch) {
    return;
  }
  var url = region.getAttribute("data-build-progress-url");
  var text = region.querySelector("[data-build-text]");
  var bar = region.querySelector("progress");
  var notice = document.querySelector("[data-build-notice]");
  var refresh = document.querySelectorAll("[data-build-refresh]");
  var EVERY = 3000;

  function showRefresh(shown) {
    refresh.forEach(function (paragraph) { paragraph.hidden = !shown; });
  }

  function poll() {
    fetch(url, {credentials: "same-origin", cache: "no-store", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (state) {
        if (!state.active) {
          window.location.reload();  // the finished files, or why the build failed
          return;
        }
        if (text.textContent !== state.text) {
          text.textContent = state.text;  // only a change is announced
        }
        if (state.total !== null) {
          bar.max = state.total;
          bar.value = state.done;
          bar.textContent = state.done + "/" + state.total;
          bar.hidden = false;
        }
        notice.textContent = state.notice || "";
        notice.hidden = !state.notice;
        window.setTimeout(poll, EVERY);
      })
      .catch(function () {
        showRefresh(true);  // signed out, or the site unreachable: back to reloading by hand
      });
  }

  showRefresh(false);
  window.setTimeout(poll, EVERY);
}());

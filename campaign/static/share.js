// The share page's two buttons, shown only where the browser can do what they promise.
// Everything works without this file: the link and the embed code can be selected and copied by hand.
// "Share with an app" uses the Web Share API: the device's own share sheet, which on phones lists
// KakaoTalk (Kakao offers no share link without loading its SDK from its servers).
(function () {
  "use strict";
  if (navigator.clipboard && window.isSecureContext) {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var field = document.getElementById(button.getAttribute("data-copy"));
      var status = document.getElementById(field.id + "-status");
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(function () {
          status.textContent = button.getAttribute("data-copied-message");
        }, function () {
          field.select();  // copying refused: leave the text selected for Ctrl+C
        });
      });
    });
  }

  if (navigator.share) {
    // The words about the share menu appear with its button; the words for browsers without one go.
    document.querySelectorAll("[data-share-only]").forEach(function (text) { text.hidden = false; });
    document.querySelectorAll("[data-share-fallback]").forEach(function (text) { text.hidden = true; });
    document.querySelectorAll("[data-share-url]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.share({
          title: button.getAttribute("data-share-title"),
          text: button.getAttribute("data-share-text"),
          url: button.getAttribute("data-share-url")
        }).catch(function () { /* the visitor closed the share sheet */ });
      });
    });
  }

  // A click in a read-only field selects all of it, ready to copy.
  document.querySelectorAll(".share-copy input, .share-copy textarea").forEach(function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });
})();

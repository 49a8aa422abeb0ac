// kbgen "Cite this page": fills in the reader's access date, and the page's full address
// when the site was built without site_url (the build cannot know either; builds are reproducible).
(function () {
  function fill() {
    var today = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var date = today.getFullYear() + "-" + pad(today.getMonth() + 1) + "-" + pad(today.getDate());
    document.querySelectorAll(".kb-access-date").forEach(function (el) { el.textContent = date; });
    if (location.protocol === "http:" || location.protocol === "https:") {
      document.querySelectorAll(".kb-permalink[data-kb-fill]").forEach(function (el) {
        el.textContent = location.origin + location.pathname;
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fill);
  } else {
    fill();
  }
})();

// kbgen: Pagefind's search on every page (the kbgen plugin's option `search: pagefind`).
// A search button goes into Material's header, where its own search box would be, and
// Pagefind's search dialog into the page; pagefind/pagefind-component-ui.js, loaded after
// this file, makes them work (Ctrl+K or ⌘K opens the dialog too).
(function () {
  // The site's root from this file's address (assets/kbgen-pagefind.js), so a site served
  // under a path (e.g. a GitHub project page) links its results under that path.
  var root = new URL("../", document.currentScript.src).pathname;
  var config = document.createElement("pagefind-config");
  config.setAttribute("base-url", root);
  var trigger = document.createElement("pagefind-modal-trigger");
  trigger.className = "kb-search-trigger";
  trigger.setAttribute("placeholder", "Search");
  var header = document.querySelector(".md-header__inner");
  if (header) {
    header.insertBefore(trigger, header.querySelector(".md-header__source"));
  } else {
    document.body.prepend(trigger);
  }
  document.body.append(config, document.createElement("pagefind-modal"));

  // On a phone the header has room for the magnifier only, as with Material's own search box.
  var narrow = window.matchMedia("(max-width: 59.984375em)");
  function fitHeader() {
    ["compact", "hide-shortcut"].forEach(function (name) { trigger.toggleAttribute(name, narrow.matches); });
  }
  fitHeader();
  narrow.addEventListener("change", fitHeader);

  // Pagefind's dark colours follow Material's palette toggle ("slate" is Material's dark scheme).
  function followScheme() {
    var dark = document.body.getAttribute("data-md-color-scheme") === "slate";
    document.documentElement.setAttribute("data-pf-theme", dark ? "dark" : "light");
  }
  followScheme();
  new MutationObserver(followScheme).observe(document.body, {attributes: true, attributeFilter: ["data-md-color-scheme"]});
})();

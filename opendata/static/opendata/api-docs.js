// Mends Swagger UI's markup where axe finds it lacking, each time Swagger UI renders:
// - its operations list is the page's <main>; the blocks around it (the API's description,
//   the servers) are made named regions, so that all content is in a landmark;
// - the path inside each operation's toggle button is a link (a control inside a control):
//   the link loses its href (the button toggles the operation; the address bar still follows);
// - its headings skip a level (the title is h1, the tags h3): h3 and below are read one level up;
// - the form fields of "Try it out" have no label: each is named after its parameter;
// - code blocks that scroll sideways cannot be reached by keyboard: they become focusable.
"use strict";

(function () {
  const root = document.getElementById("swagger-ui");
  const REGIONS = [
    [".information-container", "About this API"],
    [".scheme-container", "Servers"],
    ["section.models", "Schemas"],
  ];

  function mend() {
    for (const [selector, name] of REGIONS) {
      root.querySelectorAll(selector).forEach((block) => {
        if (block.getAttribute("role") !== "region") {
          block.setAttribute("role", "region");
          block.setAttribute("aria-label", name);
        }
      });
    }
    root.querySelectorAll(".opblock-summary-control a[href]").forEach((link) => link.removeAttribute("href"));
    root.querySelectorAll("h3, h4, h5, h6").forEach((heading) => {
      const level = String(Number(heading.tagName[1]) - 1);
      if (heading.getAttribute("aria-level") !== level) {
        heading.setAttribute("aria-level", level);
      }
    });
    root.querySelectorAll("tr[data-param-name]").forEach((row) => {
      row.querySelectorAll("select, input, textarea").forEach((field) => {
        if (!field.hasAttribute("aria-label") && !field.labels?.length) {
          field.setAttribute("aria-label", row.getAttribute("data-param-name"));
        }
      });
    });
    root.querySelectorAll("pre.microlight:not([tabindex])").forEach((code) => code.setAttribute("tabindex", "0"));
  }

  new MutationObserver(mend).observe(root, { childList: true, subtree: true });
  mend();
})();

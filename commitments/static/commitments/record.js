// Record pages: typing a source's web address tells whether it is already recorded, and fills in
// what earlier sources of the same site were given (publisher, language, kind) where the monitor
// has not typed anything. A static file: the admin runs under a strict Content-Security-Policy.
"use strict";
(function () {
  const suggestUrl = document.currentScript.dataset.suggestUrl;
  const timers = new WeakMap();

  function rowOf(input) {
    // The new-source fields of one evidence row (prefix "evidence-0-") or of the page's form.
    const prefix = input.name.slice(0, input.name.length - "new_source_url".length);
    return (name) => document.querySelector(`[name="${prefix}${name}"]`);
  }

  function hint(input, text) {
    let note = input.parentElement.querySelector(".desk-source-hint");
    if (!note) {
      note = document.createElement("p");
      note.className = "desk-source-hint";
      note.setAttribute("role", "status");
      input.parentElement.appendChild(note);
    }
    note.textContent = text;
  }

  async function suggest(input) {
    const url = input.value.trim();
    if (!/^https?:\/\/\S+\.\S+/.test(url)) {
      return;
    }
    const response = await fetch(`${suggestUrl}?url=${encodeURIComponent(url)}`, { credentials: "same-origin" });
    if (!response.ok) {
      return;
    }
    const found = await response.json();
    const field = rowOf(input);
    if (found.existing) {
      hint(input, `Already recorded: ${found.existing.label}. It will be used.`);
      return;
    }
    const filled = [];
    for (const name of ["publisher", "language", "kind", "affiliated_party"]) {
      const target = field(`new_source_${name}`);
      const value = found[name];
      if (!target || value === undefined || value === null || value === "") {
        continue;
      }
      const untouched = target.dataset.deskFilled === "1" || !target.value || target.value === target.defaultValue;
      if (untouched && String(target.value) !== String(value)) {
        target.value = value;
        target.dataset.deskFilled = "1";
        filled.push(name.replace("_", " "));
      }
    }
    hint(input, filled.length ? `New source on ${found.site}: filled in ${filled.join(", ")} from earlier sources of that site.` : `New source on ${found.site}.`);
  }

  document.addEventListener("input", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.name.endsWith("new_source_url")) {
      return;
    }
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(() => suggest(input), 250));
  });
})();

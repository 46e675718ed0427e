/* Suggestions as you type in a search box (<input data-suggest="/api/v1/search/suggest/">):
   products, brands and #tags from the suggest API, in a listbox following the ARIA combobox
   pattern. Choosing a product opens its page; a brand or a tag runs the search for it. Without
   JavaScript the box is a plain search field and the form submits as before. */
(function () {
  "use strict";

  const gettext = window.gettext || ((text) => text);
  const ngettext = window.ngettext || ((one, many, n) => (n === 1 ? one : many));
  const interpolate = window.interpolate || ((format, values) => values.reduce((text, value) => text.replace("%s", value), format));
  const DELAY = 150; // ms after the last keystroke: one request per pause, not per letter
  const KINDS = { product: gettext("Product"), brand: gettext("Brand"), tag: gettext("Tag") };
  // One Han, kana or Hangul character already narrows a name down; Latin needs two letters.
  const CJK = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]/;
  let counter = 0;

  function longEnough(text) {
    return CJK.test(text) ? text.length >= 1 : text.length >= 2;
  }

  function setup(input) {
    const form = input.form;
    const n = ++counter;
    const list = document.createElement("ul");
    list.id = "suggest-list-" + n;
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", gettext("Suggestions"));
    list.hidden = true;
    const status = document.createElement("div");
    status.className = "sr-only";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.after(list, status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    let items = [];
    let active = -1;
    let timer = 0;
    let controller = null;
    let shownFor = null;

    function option(i) {
      return list.children[i];
    }

    function setActive(i) {
      if (active >= 0 && option(active)) option(active).setAttribute("aria-selected", "false");
      active = i;
      if (active >= 0) {
        const el = option(active);
        el.setAttribute("aria-selected", "true");
        el.scrollIntoView({ block: "nearest" });
        input.setAttribute("aria-activedescendant", el.id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function open() {
      if (!items.length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function render(results, text) {
      items = results;
      active = -1;
      input.removeAttribute("aria-activedescendant");
      list.replaceChildren(
        ...results.map((item, i) => {
          const li = document.createElement("li");
          li.id = list.id + "-" + i;
          li.className = "suggest-option";
          li.setAttribute("role", "option");
          li.setAttribute("aria-selected", "false");
          const name = document.createElement("span");
          name.className = "suggest-text";
          name.textContent = item.text;
          const kind = document.createElement("span");
          kind.className = "suggest-kind";
          kind.textContent = KINDS[item.kind] + (item.detail ? " · " + item.detail : "");
          li.append(name, kind);
          return li;
        })
      );
      shownFor = text;
      if (results.length) {
        open();
        status.textContent = interpolate(ngettext("%s suggestion", "%s suggestions", results.length), [results.length]);
      } else {
        close();
        status.textContent = "";
      }
    }

    async function fetchFor(text) {
      if (controller) controller.abort();
      controller = new AbortController();
      try {
        const response = await fetch(input.dataset.suggest + "?q=" + encodeURIComponent(text), {
          headers: { Accept: "application/json" },
          signal: controller.signal,
        });
        if (!response.ok) return;
        const data = await response.json();
        // A slower answer to an older prefix must not replace the current one.
        if (input.value.trim() !== text) return;
        render(data.results || [], text);
      } catch (_) {
        /* aborted by a newer keystroke, or offline: the plain search still works */
      }
    }

    function choose(i) {
      const item = items[i];
      if (!item) return;
      close();
      if (item.kind !== "product") input.value = item.text; // the search it runs, shown while it loads
      window.location.assign(item.url);
    }

    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      const text = input.value.trim();
      if (!longEnough(text)) {
        if (controller) controller.abort();
        items = [];
        list.replaceChildren();
        shownFor = null;
        status.textContent = "";
        close();
        return;
      }
      timer = window.setTimeout(() => fetchFor(text), DELAY);
    });

    input.addEventListener("keydown", (event) => {
      if (event.isComposing) return; // an IME is choosing characters: its keys are not ours
      const expanded = !list.hidden;
      switch (event.key) {
        case "ArrowDown":
          if (!items.length) return;
          event.preventDefault();
          if (!expanded) open();
          setActive(active + 1 >= items.length ? 0 : active + 1);
          break;
        case "ArrowUp":
          if (!items.length) return;
          event.preventDefault();
          if (!expanded) open();
          setActive(active <= 0 ? items.length - 1 : active - 1);
          break;
        case "Enter":
          if (expanded && active >= 0) {
            event.preventDefault();
            choose(active);
          }
          break; // no option chosen: the form submits the typed words
        case "Escape":
          if (expanded) {
            event.preventDefault(); // first Escape closes the list; the next clears the field
            close();
          }
          break;
        default:
      }
    });

    // mousedown, not click: keeps focus in the box, so blur does not close the list first.
    list.addEventListener("mousedown", (event) => event.preventDefault());
    list.addEventListener("click", (event) => {
      const li = event.target.closest("[role=option]");
      if (li) choose(Array.prototype.indexOf.call(list.children, li));
    });
    input.addEventListener("blur", close);
    input.addEventListener("focus", () => {
      if (shownFor !== null && shownFor === input.value.trim()) open();
    });
    if (form) form.addEventListener("submit", close);
  }

  function start() {
    if (!window.fetch || !window.AbortController) return;
    document.querySelectorAll("input[data-suggest]").forEach(setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

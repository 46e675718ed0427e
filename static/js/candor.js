/* Candor's small amount of JavaScript. Every page works without it; this adds the masonry
   layout, endless scroll, the photo carousel, photo previews before upload, a write form that
   keeps your photos when the server asks you to fix something, and feedback for htmx actions. */
(function () {
  "use strict";

  // Messages in the page's language: the catalogue comes from /jsi18n/ (Django's
  // JavaScriptCatalog, our origin); without it the English text shows.
  const gettext = window.gettext || ((text) => text);
  const ngettext = window.ngettext || ((one, many, n) => (n === 1 ? one : many));
  const interpolate = window.interpolate || ((format, values) => values.reduce((text, value) => text.replace("%s", value), format));

  // --- announcements and toasts -------------------------------------------------------------
  let announcer;
  function announce(text) {
    if (!announcer) {
      announcer = document.createElement("div");
      announcer.className = "sr-only";
      announcer.setAttribute("aria-live", "polite");
      document.body.append(announcer);
    }
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = text; }, 30);
  }

  function toast(text, kind) {
    const box = document.querySelector("[data-toasts]");
    if (!box || !text) return;
    const item = document.createElement("p");
    item.className = "toast" + (kind ? " toast-" + kind : "");
    item.textContent = text;
    box.append(item);
    window.setTimeout(() => item.remove(), 4500);
  }

  function fadeServerToasts() {
    document.querySelectorAll("[data-toasts] .toast").forEach((item) => {
      window.setTimeout(() => item.remove(), 4500);
    });
  }

  // --- masonry -----------------------------------------------------------------------------
  // Cards are dealt into columns, each to the currently shortest one, so reading order stays
  // left to right and appended cards never move the ones already on screen.
  function setupMasonry(grid) {
    const items = Array.from(grid.querySelectorAll(":scope > [data-item]"));
    let columns = [];
    let count = 0;

    function wanted() {
      return parseInt(getComputedStyle(grid).getPropertyValue("--cols"), 10) || 2;
    }
    function place(item) {
      let target = columns[0];
      for (const column of columns) {
        if (column.offsetHeight < target.offsetHeight - 1) target = column;
      }
      target.append(item);
    }
    function build() {
      const n = wanted();
      if (n === count) return;
      count = n;
      grid.replaceChildren();
      columns = Array.from({ length: n }, () => {
        const column = document.createElement("div");
        column.className = "grid-col";
        grid.append(column);
        return column;
      });
      grid.classList.add("is-masonry");
      items.forEach(place);
    }
    build();
    let timer;
    window.addEventListener("resize", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(build, 120);
    });
    grid.masonry = {
      add(newItems) {
        newItems.forEach((item) => {
          items.push(item);
          place(item);
        });
      },
      items: () => items,
    };
  }

  // --- endless scroll ----------------------------------------------------------------------
  function setupMore(link) {
    const feed = link.previousElementSibling;
    if (!feed || !feed.matches("[data-feed]")) return;
    const seen = new Set(Array.from(feed.querySelectorAll("[data-item]")).map((el) => el.dataset.id));
    let busy = false;
    let observer;

    async function load() {
      if (busy || !link.isConnected) return;
      busy = true;
      link.classList.add("is-loading");
      link.textContent = gettext("Loading…");
      try {
        const response = await fetch(link.href, {
          headers: { "X-Candor-Fragment": "items" },
          credentials: "same-origin",
        });
        if (!response.ok) throw new Error(String(response.status));
        const doc = new DOMParser().parseFromString(await response.text(), "text/html");
        // Offset pages of a live feed can overlap; never show a card twice.
        const fresh = Array.from(doc.querySelectorAll("[data-item]"))
          .filter((el) => !seen.has(el.dataset.id))
          .map((el) => {
            seen.add(el.dataset.id);
            return document.importNode(el, true);
          });
        if (feed.masonry) feed.masonry.add(fresh);
        else feed.append(...fresh);
        if (window.htmx) fresh.forEach((el) => window.htmx.process(el));
        const next = doc.querySelector("[data-more]");
        if (next) {
          link.href = next.getAttribute("href");
          link.textContent = gettext("Show more");
          // Re-observe so a short page keeps loading while the link is still in view.
          observer.unobserve(link);
          observer.observe(link);
        } else {
          observer.disconnect();
          const end = link.parentElement.querySelector("[data-feed-end]");
          if (end) end.hidden = false;
          link.remove();
        }
        announce(interpolate(ngettext("%s more loaded", "%s more loaded", fresh.length), [fresh.length]));
      } catch (error) {
        link.textContent = gettext("Couldn’t load more. Try again");
      } finally {
        busy = false;
        link.classList.remove("is-loading");
      }
    }

    link.addEventListener("click", (event) => {
      event.preventDefault();
      load();
    });
    observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) load();
    }, { rootMargin: "600px 0px" });
    observer.observe(link);
  }

  // --- carousel ------------------------------------------------------------------------------
  function setupCarousel(root) {
    const track = root.querySelector(".carousel-track");
    const slides = Array.from(track.children);
    if (slides.length < 2) return;
    const prev = root.querySelector("[data-prev]");
    const next = root.querySelector("[data-next]");
    const counter = root.querySelector("[data-counter]");
    const dots = Array.from(root.querySelectorAll("[data-dot]"));
    let index = 0;
    prev.hidden = false;
    next.hidden = false;

    function show(i) {
      index = Math.max(0, Math.min(slides.length - 1, i));
      track.scrollTo({ left: index * track.clientWidth });
    }
    function sync() {
      index = Math.round(track.scrollLeft / Math.max(1, track.clientWidth));
      if (counter) counter.textContent = index + 1 + "/" + slides.length;
      dots.forEach((dot, i) => dot.classList.toggle("is-on", i === index));
      prev.disabled = index === 0;
      next.disabled = index === slides.length - 1;
    }
    prev.addEventListener("click", () => show(index - 1));
    next.addEventListener("click", () => show(index + 1));
    track.addEventListener("keydown", (event) => {
      if (event.key === "ArrowLeft") { event.preventDefault(); show(index - 1); }
      if (event.key === "ArrowRight") { event.preventDefault(); show(index + 1); }
    });
    let frame;
    track.addEventListener("scroll", () => {
      window.cancelAnimationFrame(frame);
      frame = window.requestAnimationFrame(sync);
    });
    sync();
  }

  // --- write a review: photo previews ------------------------------------------------------------
  const ALLOWED_TYPES = ["image/jpeg", "image/png", "image/webp"];

  function setupPhotoPicker(form) {
    const input = form.querySelector('input[type="file"][name="photos"]');
    const list = form.querySelector("[data-previews]");
    const addLabel = form.querySelector(".photo-add");
    if (!input || !list || typeof DataTransfer === "undefined") return;
    const max = parseInt(form.dataset.photosMax, 10) || 9;
    const maxMb = parseInt(form.dataset.photoMaxMb, 10) || 10;
    let files = [];
    let urls = [];

    function sync() {
      const transfer = new DataTransfer();
      files.forEach((file) => transfer.items.add(file));
      input.files = transfer.files;
      render();
    }
    function problem(file) {
      if (!ALLOWED_TYPES.includes(file.type)) return gettext("Not a JPEG, PNG or WebP");
      if (file.size > maxMb * 1024 * 1024) return interpolate(gettext("Over %s MB"), [maxMb]);
      return "";
    }
    function render() {
      urls.forEach((url) => URL.revokeObjectURL(url));
      urls = [];
      list.replaceChildren(...files.map((file, i) => {
        const item = document.createElement("li");
        item.className = "photo-preview";
        const issue = problem(file);
        if (file.type.startsWith("image/")) {
          const url = URL.createObjectURL(file);
          urls.push(url);
          const img = document.createElement("img");
          img.src = url;
          img.alt = interpolate(gettext("Preview of photo %s, %s"), [i + 1, file.name]);
          // A file named .jpg that is not really an image cannot be previewed: say so.
          img.addEventListener("error", () => {
            img.remove();
            item.classList.add("is-bad");
            const note = document.createElement("span");
            note.className = "photo-note";
            note.textContent = interpolate(gettext("Not a readable image: %s"), [file.name]);
            item.prepend(note);
          });
          item.append(img);
        }
        if (issue) {
          item.classList.add("is-bad");
          const note = document.createElement("span");
          note.className = "photo-note";
          note.textContent = issue + ": " + file.name;
          item.append(note);
        } else if (i === 0) {
          const cover = document.createElement("span");
          cover.className = "photo-cover";
          cover.textContent = gettext("Cover");
          item.append(cover);
        }
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "photo-remove";
        remove.setAttribute("aria-label", interpolate(gettext("Remove photo %s, %s"), [i + 1, file.name]));
        remove.innerHTML = '<svg class="icon" aria-hidden="true"><use href="' + spriteUrl() + '#x"></use></svg>';
        remove.addEventListener("click", () => {
          files.splice(i, 1);
          sync();
          (list.querySelector(".photo-remove") || addLabel).focus();
        });
        item.append(remove);
        return item;
      }));
      if (addLabel) addLabel.hidden = files.length >= max;
      const bad = files.filter(problem).length;
      const chosen = interpolate(ngettext("%s photo chosen", "%s photos chosen", files.length), [files.length]);
      announce(bad ? interpolate(gettext("%s, %s will be refused"), [chosen, bad]) : chosen);
    }
    input.addEventListener("change", () => {
      // Keep earlier picks: people add photos in several goes.
      const picked = Array.from(input.files);
      const known = new Set(files.map((f) => f.name + f.size + f.lastModified));
      files = files.concat(picked.filter((f) => !known.has(f.name + f.size + f.lastModified)));
      if (files.length > max) {
        toast(interpolate(gettext("At most %s photos per review; the extra ones were left out."), [max]), "error");
        files = files.slice(0, max);
      }
      sync();
    });
    if (addLabel) {
      addLabel.tabIndex = 0;
      addLabel.setAttribute("role", "button");
      addLabel.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); input.click(); }
      });
    }
  }

  function spriteUrl() {
    const use = document.querySelector("use[href*='sprite.svg']");
    return use ? use.getAttribute("href").split("#")[0] : "/static/icons/sprite.svg";
  }

  // --- write a review: submit in the background so chosen photos survive a correction -----------
  // A required choice whose inputs are visually hidden (the star rating): the browser's own bubble
  // would point at an invisible radio, so the field's error box says it instead.
  function showMissingChoice(form) {
    let missing = false;
    form.querySelectorAll("[data-errors-for][data-missing]").forEach((box) => {
      const controls = form.querySelectorAll('[name="' + box.dataset.errorsFor + '"]');
      if (!controls.length || Array.from(controls).some((control) => control.checked)) return;
      const message = document.createElement("p");
      message.textContent = box.dataset.missing;
      box.replaceChildren(message);
      const field = box.closest("[data-field]");
      if (field) field.classList.add("has-error");
      controls.forEach((control) => control.setAttribute("aria-invalid", "true"));
      if (!missing) controls[0].focus({ preventScroll: true });
      if (!missing && field) field.scrollIntoView({ behavior: "smooth", block: "center" });
      missing = true;
    });
    return missing;
  }

  function setupAsyncSubmit(form) {
    const button = form.querySelector("[data-submit]");
    form.addEventListener("invalid", (event) => {
      const box = form.querySelector('[data-errors-for="' + event.target.name + '"][data-missing]');
      if (!box) return;
      event.preventDefault();
      showMissingChoice(form);
    }, true);
    form.addEventListener("change", (event) => {
      const box = form.querySelector('[data-errors-for="' + event.target.name + '"][data-missing]');
      if (!box || !event.target.checked) return;
      box.replaceChildren();
      const field = box.closest("[data-field]");
      if (field) field.classList.remove("has-error");
      form.querySelectorAll('[name="' + event.target.name + '"]').forEach((control) => control.removeAttribute("aria-invalid"));
    });
    form.addEventListener("submit", async (event) => {
      if (showMissingChoice(form)) { event.preventDefault(); return; }
      if (!window.fetch || !window.DOMParser) return;
      event.preventDefault();
      const label = button ? button.textContent : "";
      if (button) { button.disabled = true; button.textContent = gettext("Publishing…"); }
      try {
        const response = await fetch(form.action || window.location.href, {
          method: "POST",
          body: new FormData(form),
          credentials: "same-origin",
          headers: { "HX-Request": "true" },
        });
        const target = response.headers.get("HX-Redirect");
        if (target) { window.location.assign(target); return; }
        if (response.status === 400) {
          showErrors(form, new DOMParser().parseFromString(await response.text(), "text/html"));
        } else {
          toast(interpolate(gettext("Something went wrong (%s). Your text is still here; please try again."), [response.status]), "error");
        }
      } catch (error) {
        toast(gettext("Could not reach Candor. Check your connection and try again."), "error");
      }
      if (button) { button.disabled = false; button.textContent = label; }
    });
  }

  function showErrors(form, doc) {
    const fresh = doc.querySelector("[data-review-form]");
    if (!fresh) return;
    form.querySelectorAll("[data-errors-for]").forEach((box) => {
      const name = box.dataset.errorsFor;
      const incoming = fresh.querySelector('[data-errors-for="' + name + '"]');
      box.innerHTML = incoming ? incoming.innerHTML : "";
      // The photos are still chosen in this page, so the "choose them again" hint is moot.
      box.querySelectorAll("[data-reattach-note]").forEach((note) => note.remove());
      const hasError = box.textContent.trim() !== "";
      const field = box.closest("[data-field]");
      if (field) field.classList.toggle("has-error", hasError);
      form.querySelectorAll('[name="' + name + '"]').forEach((control) => {
        if (hasError) control.setAttribute("aria-invalid", "true");
        else control.removeAttribute("aria-invalid");
      });
    });
    const summary = form.querySelector("[data-form-errors]");
    const incomingSummary = fresh.querySelector("[data-form-errors]");
    if (summary && incomingSummary) {
      summary.innerHTML = incomingSummary.innerHTML.replace(gettext("Nothing you typed was lost."), gettext("Nothing you typed or chose was lost."));
    }
    const first = form.querySelector(".has-error input:not([type=hidden]), .has-error select, .has-error textarea");
    if (summary) summary.scrollIntoView({ behavior: "smooth", block: "center" });
    if (first) first.focus({ preventScroll: true });
  }

  // --- htmx feedback -------------------------------------------------------------------------------
  let focusKey = null;
  document.addEventListener("htmx:beforeRequest", (event) => {
    const active = document.activeElement;
    focusKey = active && active.dataset ? active.dataset.focusKey || null : null;
  });
  document.addEventListener("htmx:afterSettle", () => {
    if (!focusKey) return;
    // The pressed button was replaced by the server's fresh copy: keep keyboard focus on it
    // and tell screen readers the new state and count.
    const again = document.querySelector('[data-focus-key="' + focusKey + '"]');
    if (again) {
      again.focus();
      const pressed = again.getAttribute("aria-pressed") === "true" ? gettext(", selected") : "";
      announce(again.textContent.replace(/\s+/g, " ").trim() + pressed);
    }
    focusKey = null;
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const elt = event.detail.elt;
    if (event.detail.successful && elt.matches && elt.matches("form[data-reset-on-success]")) elt.reset();
  });
  document.addEventListener("htmx:responseError", (event) => {
    const text = (event.detail.xhr.responseText || "").trim();
    const plain = event.detail.xhr.getResponseHeader("Content-Type") || "";
    toast(plain.startsWith("text/plain") && text ? text : gettext("That didn’t work. Please try again."), "error");
  });
  document.addEventListener("htmx:sendError", () => toast(gettext("Could not reach Candor. Check your connection."), "error"));

  // --- share a review: the phone's share sheet, else copy the link (the link itself without JS) ---
  document.addEventListener("click", async (event) => {
    const link = event.target.closest ? event.target.closest("[data-share]") : null;
    if (!link) return;
    const url = link.getAttribute("href");
    if (navigator.share) {
      event.preventDefault();
      try { await navigator.share({ title: link.dataset.shareTitle || document.title, url }); } catch (_) { /* cancelled */ }
    } else if (navigator.clipboard && navigator.clipboard.writeText) {
      event.preventDefault();
      try { await navigator.clipboard.writeText(url); toast(gettext("Link copied.")); } catch (_) { window.location.href = url; }
    }
  });

  // --- start ---------------------------------------------------------------------------------------
  function start() {
    document.querySelectorAll("[data-masonry]").forEach(setupMasonry);
    document.querySelectorAll("[data-more]").forEach(setupMore);
    document.querySelectorAll("[data-carousel]").forEach(setupCarousel);
    document.querySelectorAll("[data-review-form]").forEach((form) => {
      setupPhotoPicker(form);
      setupAsyncSubmit(form);
    });
    fadeServerToasts();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

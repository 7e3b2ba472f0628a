/*! Remit Pay button. On any site:
 * <script src="https://REMIT/pay-button.js" data-partner="SLUG" data-invoice="PAY-LINK-TOKEN"
 *   data-label="Pay invoice" data-theme="light|dark" data-mode="tab|overlay" data-target="#css-selector"></script>
 * Renders a button in the partner's colours where the tag is (or in data-target) that opens the invoice's pay link
 * in a new tab, or with data-mode="overlay" in a dialog on this page. No dependencies; see /pay-button/demo.
 * A site with a CSP allows the Remit origin in script-src and connect-src (and frame-src for the overlay).
 * The framed portal may post {type: "remit:close"} (Escape inside it) or {type: "remit:paid", …} (re-dispatched
 * as a bubbling "remit:paid" event on the button's element) to its parent. */
(() => {
  "use strict";
  const me =
    document.currentScript ||
    [...document.querySelectorAll('script[src*="pay-button.js"]')].find((s) => !s.dataset.remitMounted);
  if (!me) return;
  me.dataset.remitMounted = "1";
  const d = me.dataset;
  const origin = new URL(me.src, location.href).origin;
  const slug = (d.partner || "").trim().toLowerCase();
  const fail = (why) => console.error("Remit pay button: " + why);
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(slug)) return fail("data-partner must be a partner's slug");
  const token = (d.invoice || "").trim();
  if (token && !/^[\w.-]{1,256}$/.test(token)) return fail("data-invoice must be a pay-link token");
  const label = (d.label || "").trim() || "Pay invoice";
  const dark = d.theme === "dark";
  // A page without a token is the partner's sign-in, which may not be framed: only pay links open in an overlay.
  const overlay = d.mode === "overlay" && !!token;
  const url = origin + "/pay/" + slug + (token ? "/invoice/" + encodeURIComponent(token) : "");
  const HEX = /^#[0-9a-f]{6}$/i;
  const theme = dark
    ? { bg: "#f9fafb", fg: "#111827", ring: "#f9fafb", edge: "rgba(255,255,255,.35)", panel: "#111827", ink: "#f9fafb" }
    : { bg: "#1f2937", fg: "#ffffff", ring: "#111827", edge: "rgba(0,0,0,.2)", panel: "#ffffff", ink: "#111827" };

  const css = `:host{all:initial;display:inline-block;vertical-align:middle}
:host([data-state=loading]){visibility:hidden}
.b{all:unset;box-sizing:border-box;display:inline-flex;align-items:center;justify-content:center;min-height:44px;
padding:10px 20px;border-radius:8px;border:1px solid var(--edge);background:var(--bg);color:var(--fg);
font:600 16px/1.25 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;cursor:pointer;
text-decoration:none;text-align:center}
.b:hover{filter:brightness(1.08)}
.b:focus-visible,.x:focus-visible,iframe:focus-visible{outline:3px solid var(--ring);outline-offset:3px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
dialog{padding:0;border:0;border-radius:12px;width:min(760px,calc(100vw - 32px));height:min(880px,calc(100vh - 32px));
max-width:none;max-height:none;background:var(--panel);color:var(--ink);box-shadow:0 20px 60px rgba(0,0,0,.35);
overflow:hidden;font:16px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
dialog[open]{display:flex;flex-direction:column}
dialog::backdrop{background:rgba(17,24,39,.6)}
.bar{display:flex;align-items:center;gap:8px;padding:6px 6px 6px 16px;border-bottom:1px solid var(--edge)}
h2{flex:1;margin:0;font-size:16px;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.x{all:unset;box-sizing:border-box;width:44px;height:44px;border-radius:8px;text-align:center;font-size:26px;
line-height:44px;cursor:pointer;color:inherit}
.x:hover{background:rgba(127,127,127,.18)}
iframe{flex:1;width:100%;border:0;background:#fff}
@media (max-width:600px){dialog{width:100vw;height:100vh;border-radius:0}}`;

  const h = (tag, attrs, ...kids) => {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
    el.append(...kids);
    return el;
  };

  // A tag of its own: a site's rules for span, a or button do not reach it (the shadow root keeps out the rest).
  const host = h("remit-pay-button", { "data-remit-pay-button": "", "data-state": "loading" });
  const root = host.attachShadow({ mode: "open" });
  try {
    const sheet = new CSSStyleSheet(); // not subject to the host page's style-src, unlike a <style> element
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } catch (_) {
    root.append(h("style", {}, css));
  }
  const paint = (colours) => {
    for (const [k, v] of Object.entries(colours)) host.style.setProperty("--" + k, v);
  };
  paint(theme);

  const button = overlay
    ? h("button", { class: "b", type: "button", "aria-haspopup": "dialog" }, label)
    : h("a", { class: "b", href: url, target: "_blank", rel: "noopener", "aria-describedby": "n" }, label);
  root.append(button);
  if (!overlay) root.append(h("span", { id: "n", class: "sr" }, "(opens in a new tab)"));

  let partnerName = "";
  let dialog = null;
  let frame = null;

  const open = () => {
    if (dialog) return;
    const x = h("button", { class: "x", type: "button", "aria-label": "Close" }, "\u00d7");
    frame = h("iframe", {
      src: url + "?embed=1",
      title: partnerName ? "Payment page of " + partnerName : "Payment page",
      allow: "payment",
    });
    // Focusable edges: tabbing past the last control (the frame) wraps to the first and back.
    const start = h("span", { tabindex: "0" });
    const end = h("span", { tabindex: "0" });
    start.addEventListener("focus", () => frame.focus());
    end.addEventListener("focus", () => x.focus());
    dialog = h(
      "dialog",
      { "aria-modal": "true", "aria-labelledby": "t" },
      start,
      h("div", { class: "bar" }, h("h2", { id: "t" }, partnerName ? label + " \u2013 " + partnerName : label), x),
      frame,
      end,
    );
    x.addEventListener("click", () => dialog.close());
    const scroll = document.documentElement.style.overflow;
    // However it closes (the button, Escape, the portal's message), focus goes back to the Pay button.
    dialog.addEventListener("close", () => {
      dialog.remove();
      dialog = frame = null;
      document.documentElement.style.overflow = scroll;
      button.focus();
    });
    root.append(dialog);
    document.documentElement.style.overflow = "hidden";
    dialog.showModal();
    x.focus();
  };

  if (overlay) button.addEventListener("click", open);

  // The embedded portal asks to close (Escape pressed inside it) or tells that the invoice was paid.
  addEventListener("message", (e) => {
    if (!frame || e.source !== frame.contentWindow || e.origin !== origin || !e.data) return;
    if (e.data.type === "remit:close") dialog.close();
    if (e.data.type === "remit:paid") {
      host.dispatchEvent(new CustomEvent("remit:paid", { bubbles: true, composed: true, detail: e.data }));
    }
  });

  const show = (state) => host.setAttribute("data-state", state);
  const timer = setTimeout(() => show("neutral"), 3000);
  fetch(origin + "/portal/v1/partners/" + slug, { credentials: "omit" })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status))))
    .then((b) => {
      partnerName = typeof b.name === "string" ? b.name : "";
      if (HEX.test(b.primary_color) && HEX.test(b.primary_text_color)) {
        paint({ bg: b.primary_color, fg: b.primary_text_color });
        show("branded");
      } else show("neutral");
    })
    .catch((err) => {
      fail("could not load the partner's branding (" + err.message + "); showing a plain button");
      show("neutral");
    })
    .finally(() => clearTimeout(timer));

  const target = d.target && document.querySelector(d.target);
  const mount = () => (target || document.body).append(host);
  if (target) mount();
  else if (me.parentNode && me.parentNode !== document.head) me.parentNode.insertBefore(host, me);
  else if (document.body) mount();
  else addEventListener("DOMContentLoaded", mount);
})();

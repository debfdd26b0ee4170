// Shared behaviour of every page. Alpine's CSP build evaluates no code found
// in the HTML: each x-data names a component registered here with
// Alpine.data(), and directives name its properties and methods.

// Call the JSON API on this origin with the session cookie. Returns
// {ok, status, body, headers}; body is the parsed JSON envelope (or null).
async function api(method, url, body, extraHeaders) {
  const headers = { Accept: "application/json", ...(extraHeaders || {}) };
  const options = { method, headers, credentials: "same-origin" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(url, options);
  let data = null;
  try {
    data = await response.json();
  } catch (error) {
    data = null; // an empty or non-JSON body (a 304, a proxy's page)
  }
  return { ok: response.ok, status: response.status, body: data, headers: response.headers };
}

// A random Idempotency-Key (crypto.randomUUID needs a secure context).
function newKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// Read a form's named inputs into a JSON body. data-kind says how:
// "integer", "number" (prices: 12.50), "list"
// (comma separated), "text". Empty fields are left out, or sent as null
// when the input is data-nullable (to clear a value when editing).
function formBody(form) {
  const body = {};
  for (const input of form.querySelectorAll("[name]")) {
    if (input.disabled || input.dataset.skip !== undefined) continue;
    if (input.type === "checkbox") {
      body[input.name] = input.checked;
      continue;
    }
    const raw = input.value.trim();
    if (raw === "") {
      if (input.dataset.nullable !== undefined) body[input.name] = null;
      continue;
    }
    const kind = input.dataset.kind || "text";
    if (kind === "integer") body[input.name] = /^-?\d+$/.test(raw) ? Number(raw) : raw;
    else if (kind === "number") body[input.name] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    else if (kind === "list") body[input.name] = raw.split(",").map((s) => s.trim()).filter(Boolean);
    else body[input.name] = input.tagName === "TEXTAREA" ? input.value : raw;
  }
  return body;
}

// Show the envelope's field errors beside their inputs, and its message in
// the form's alert region. Returns nothing; clears earlier errors first.
function showErrors(form, result, message) {
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  for (const small of form.querySelectorAll(".field-error")) small.textContent = "";
  const alert = form.querySelector("[role=alert]");
  if (alert) alert.textContent = message || "";
  if (!result || !result.body) return;
  let firstInvalid = null;
  for (const problem of result.body.errors || []) {
    const name = (problem.field || "").split(".")[0];
    // data-api-field: the input shows errors of another API field too (the
    // movement form's Units is "change", or "quantity" for a stock count).
    const input =
      name &&
      (form.querySelector(`[name="${CSS.escape(name)}"]`) ||
        form.querySelector(`[data-api-field="${CSS.escape(name)}"]`));
    if (!input) continue;
    input.setAttribute("aria-invalid", "true");
    const small = document.getElementById(input.getAttribute("aria-describedby"));
    if (small) small.textContent = problem.message;
    firstInvalid = firstInvalid || input;
  }
  if (firstInvalid) firstInvalid.focus();
}

// Plain words for the answers a person can act on.
function explain(result) {
  const body = result.body || {};
  if (result.status === 412) {
    const version = body.current_version !== undefined ? ` (it is now version ${body.current_version})` : "";
    return `Someone else changed this item after you opened it${version}. Nothing was saved. Reload the page to see their change, then try again.`;
  }
  if (result.status === 409) return `Not saved: ${body.message || "this conflicts with the current data."}`;
  if (result.status === 429) {
    const wait = result.headers.get("Retry-After");
    return `${body.message || "Too many attempts."}${wait ? ` Try again in ${wait} seconds.` : ""}`;
  }
  if (result.status === 401) return body.message || "Your session has ended. Log in again.";
  if (result.status === 403) return body.message || "You are not allowed to do this.";
  return body.message || `The server answered ${result.status}.`;
}

// Send a form's body to the API (data-method, data-url) and act on the
// answer: go to data-next, or reload, on success; show the errors if not.
// data-if-match sends If-Match; data-idempotent sends an Idempotency-Key,
// kept for retries of the same attempt so a retry is never applied twice.
async function submitForm(component, form, body) {
  if (component.busy) return;
  component.busy = true;
  showErrors(form, null, "");
  const headers = {};
  if (form.dataset.ifMatch) headers["If-Match"] = `"${form.dataset.ifMatch}"`;
  if (form.dataset.idempotent !== undefined) {
    component.key = component.key || newKey();
    headers["Idempotency-Key"] = component.key;
  }
  let result;
  try {
    result = await api(form.dataset.method || "POST", form.dataset.url, body, headers);
  } catch (error) {
    component.busy = false;
    showErrors(form, null, "The server could not be reached. Check your connection and try again.");
    return;
  }
  component.busy = false;
  if (result.ok) {
    component.key = null;
    const next = form.dataset.next;
    if (next === "created" && result.body && result.body.item_id) {
      window.location.assign(`/app/items/${result.body.item_id}`);
    } else if (next && next !== "reload") {
      window.location.assign(next);
    } else {
      window.location.reload();
    }
    return;
  }
  // A refused request changed nothing: the next attempt is a new one.
  component.key = null;
  showErrors(form, result, explain(result));
}

document.addEventListener("alpine:init", () => {
  // A form sent to the API as JSON: <form x-data="apiForm" data-method="POST"
  // data-url="/inventory" data-next="/app/items"> (see submitForm).
  Alpine.data("apiForm", () => ({
    busy: false,
    key: null,
    cancel() {
      this.$el.closest("dialog").close();
    },
    async submit(event) {
      event.preventDefault();
      await submitForm(this, this.$el, formBody(this.$el));
    },
  }));

  // A <dialog> opened by a button: x-data="dialog" on a wrapper holding the
  // button (x-ref="opener") and the dialog (x-ref="dialog"). Focus returns
  // to the button when the dialog closes (Escape included: the browser's).
  Alpine.data("dialog", () => ({
    show() {
      this.$refs.dialog.showModal();
    },
    hide() {
      this.$refs.dialog.close();
    },
    restoreFocus() {
      this.$refs.opener.focus();
    },
  }));

  Alpine.data("userMenu", () => ({
    open: false,
    toggle() {
      this.open = !this.open;
      if (this.open) this.$nextTick(() => this.$refs.logout.focus());
    },
    close() {
      if (!this.open) return;
      this.open = false;
      this.$refs.button.focus();
    },
    closeQuietly() {
      this.open = false;
    },
    async logout() {
      await api("POST", "/logout");
      window.location.assign("/app/login");
    },
  }));

  Alpine.data("themeToggle", () => ({
    pressed: false,
    init() {
      this.pressed = this.current() === "dark";
      this.$el.textContent = this.pressed ? "Light mode" : "Dark mode";
    },
    current() {
      const chosen = document.documentElement.getAttribute("data-theme");
      if (chosen) return chosen;
      return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
    },
    toggle() {
      const next = this.current() === "dark" ? "light" : "dark";
      document.documentElement.setAttribute("data-theme", next);
      try {
        localStorage.setItem("theme", next);
      } catch (error) {
        // Storage blocked: the choice lasts for this page only.
      }
      this.init();
    },
  }));

  Alpine.data("teamSwitcher", () => ({
    async switchTeam(event) {
      const result = await api("POST", `/teams/${event.target.value}/switch`);
      if (result.ok) window.location.assign("/app/");
    },
  }));
});

// Mark the page ready once its components are live (the browser tests wait
// for it before typing, as a person waits for the page to respond).
document.addEventListener("alpine:initialized", () => {
  document.documentElement.dataset.ready = "true";
});

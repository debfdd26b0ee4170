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
// "integer", "number" (prices: 12.50, or 12,50 with a decimal comma), "list"
// (comma separated), "text". Empty fields are left out, or sent as null
// when the input is data-nullable (to clear a value when editing). A dotted
// name ("metadata.tags") fills a nested object; the form's data-keep (JSON)
// holds the rest of such an object, which the API replaces as a whole.
function formBody(form) {
  const body = form.dataset.keep ? JSON.parse(form.dataset.keep) : {};
  for (const input of form.querySelectorAll("[name]")) {
    if (input.disabled || input.dataset.skip !== undefined) continue;
    const path = input.name.split(".");
    let target = body;
    for (const part of path.slice(0, -1)) target = target[part] = target[part] || {};
    const name = path[path.length - 1];
    if (input.type === "checkbox") {
      target[name] = input.checked;
      continue;
    }
    const raw = input.value.trim();
    const kind = input.dataset.kind || "text";
    if (raw === "") {
      if (kind === "list") target[name] = [];
      else if (input.dataset.nullable !== undefined) target[name] = null;
      continue;
    }
    if (kind === "integer") target[name] = /^-?\d+$/.test(raw) ? Number(raw) : raw;
    else if (kind === "number") target[name] = readAmount(raw);
    else if (kind === "list") target[name] = raw.split(",").map((s) => s.trim()).filter(Boolean);
    else target[name] = input.tagName === "TEXTAREA" ? input.value : raw;
  }
  return body;
}

// "2.50" and "2,50" are both 2.5. A comma before three digits ("1,000") could
// be a thousands separator: it is sent as typed, and the API's error says so.
function readAmount(raw) {
  const text = /^-?\d+,\d{1,2}$/.test(raw) ? raw.replace(",", ".") : raw;
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : raw;
}

// The API's validation messages, in the words a shopkeeper reads.
const PLAIN_WORDS = [
  [/^(This field is required|String should have at least 1 character)\.?$/, () => "Fill this in."],
  [/^Must not be blank/, () => "Fill this in."],
  [/^String should have at least (\d+) characters?$/, (m) => `Use at least ${m[1]} characters.`],
  [/^String should have at most (\d+) characters?$/, (m) => `Use at most ${m[1]} characters.`],
  [/^List should have at most (\d+) items?/, (m) => `At most ${m[1]}.`],
  [/^Input should be greater than or equal to 0$/, () => "Must be 0 or more."],
  [/^Input should be greater than or equal to (\S+)$/, (m) => `Must be ${m[1]} or more.`],
  [/^Input should be less than or equal to (\S+)$/, (m) => `Must be ${Number(m[1]).toLocaleString("en")} or less.`],
  [/^Input should be a valid integer/, () => "Enter a whole number, such as 3."],
  [/^Input should be a valid number/, () => "Enter an amount such as 12, 2.50 or 2,50 (no thousands separator)."],
  [/^Input should be a valid date/, () => "Enter a date."],
  [/^Must contain a letter and a digit/, () => "Use at least one letter and one digit."],
  [/^No (category|supplier) with id \d+\.$/, (m) => `That ${m[1]} no longer exists: reload the page to see the current list.`],
  [/^User not found\.$/, () => "No one has that username or e-mail: they need to create an account first."],
  [/POST \/login/, () => "Your session has ended. Log in again."],
  [/^Unknown field\.$/, () => "This page sent something the server does not know; reload the page."],
];

function plainWords(message) {
  for (const [pattern, say] of PLAIN_WORDS) {
    const match = pattern.exec(message || "");
    if (match) return say(match);
  }
  return message;
}

// The label a person sees for an input, without a hint in brackets.
function labelOf(input) {
  const label = input.labels && input.labels[0];
  return label ? label.textContent.replace(/\s*\(.*\)\s*$/, "").trim() : input.name;
}

// The input that shows an API field's errors: its name, or data-api-field
// (the movement form's Units is "change", or "quantity" for a stock count).
function inputFor(form, field) {
  const full = field || "";
  const name = full.split(".")[0];
  const find = (key) =>
    key &&
    (form.querySelector(`[name="${CSS.escape(key)}"]`) ||
      form.querySelector(`[data-api-field~="${CSS.escape(key)}"]`));
  // "metadata.tags.0" is the Tags field's first tag: try the longest name first.
  const parts = full.split(".");
  for (let length = parts.length; length > 1; length -= 1) {
    const input = find(parts.slice(0, length).join("."));
    if (input) return input;
  }
  return find(name);
}

// Put the form's labels in place of API field names in a message.
function withLabels(form, message) {
  let text = message || "";
  for (const input of form.querySelectorAll("[name]")) {
    const name = input.name.split(".").pop();
    // "email" is already the word on the page; "cost_price" is not.
    if (!text.includes(name) || name.toLowerCase() === labelOf(input).toLowerCase()) continue;
    text = text.replace(new RegExp(`\\b${name}\\b`, "g"), labelOf(input));
  }
  return text;
}

// Show the envelope's field errors beside their inputs, and its message in
// the form's alert region. Returns nothing; clears earlier errors first.
function showErrors(form, result, message) {
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  for (const small of form.querySelectorAll(".field-error")) small.textContent = "";
  const alert = form.querySelector("[role=alert]");
  if (!result || !result.body) {
    if (alert) alert.textContent = message || "";
    return;
  }
  let firstInvalid = null;
  const unplaced = [];
  for (const problem of result.body.errors || []) {
    const input = inputFor(form, problem.field);
    const small = input && document.getElementById((input.getAttribute("aria-describedby") || "").split(" ").pop());
    if (!small) {
      unplaced.push(plainWords(withLabels(form, problem.message)));
      continue;
    }
    input.setAttribute("aria-invalid", "true");
    const words = plainWords(problem.message);
    small.textContent = small.textContent ? `${small.textContent} ${words}` : words;
    firstInvalid = firstInvalid || input;
  }
  if (alert) {
    const said = result.status === 400 && firstInvalid ? "Not saved: check the fields marked below." : message;
    alert.textContent = [said, ...unplaced].filter(Boolean).join(" ");
    if (result.status === 412) alert.appendChild(reloadButton());
  }
  if (firstInvalid) firstInvalid.focus();
}

function reloadButton() {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "secondary reload";
  button.textContent = "Reload the page";
  button.addEventListener("click", () => window.location.reload());
  return button;
}

// Plain words for the answers a person can act on.
function explain(result, form) {
  const body = result.body || {};
  if (result.status === 412) {
    if (form.dataset.stale) return form.dataset.stale;
    return "Someone else changed this item after you opened this page, so nothing was saved. Reload the page to see their change, then try again.";
  }
  if (result.status === 409) return `Not saved: ${withLabels(form, body.message || "this conflicts with the current data.")}`;
  if (result.status === 429) {
    const wait = result.headers.get("Retry-After");
    return `${body.message || "Too many attempts."}${wait ? ` Try again in ${wait} seconds.` : ""}`;
  }
  if (result.status === 401) return body.message || "Your session has ended. Log in again.";
  if (result.status === 403) return "You are not allowed to do this.";
  if (result.status >= 500) return "The server could not do this just now. Nothing was saved; try again in a moment.";
  return plainWords(withLabels(form, body.message)) || `The server answered ${result.status}.`;
}

// --- Messages that say an action was done -----------------------------------

// A change reloads or leaves the page, so its message is kept for the next
// page, which reads it out in a live region (role="status").
function announceNext(message) {
  try {
    if (message) sessionStorage.setItem("notice", message);
  } catch (error) {
    // Storage blocked: the page itself shows the change.
  }
}

function liveRegion() {
  let region = document.getElementById("notice");
  if (!region) {
    region = document.createElement("p");
    region.id = "notice";
    region.className = "notice";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    const main = document.querySelector("main") || document.body;
    main.prepend(region);
  }
  return region;
}

function announce(message) {
  const region = liveRegion();
  region.textContent = "";
  // A region must exist empty before its text arrives to be read out.
  window.setTimeout(() => {
    region.textContent = message;
  }, 100);
}

function announceRemembered() {
  liveRegion();
  let message = null;
  try {
    message = sessionStorage.getItem("notice");
    sessionStorage.removeItem("notice");
  } catch (error) {
    message = null;
  }
  if (message) announce(message);
}

// --- A session that ended while a page was open -----------------------------

// A 401 is the session's end only if /me says so too: a form's own 401 (a
// wrong current password) is an ordinary error, shown at the form.
async function sessionHasEnded(result) {
  if (result.status !== 401) return false;
  try {
    const me = await api("GET", "/me");
    return me.status === 401;
  } catch (error) {
    return false;
  }
}

function loginAgainUrl() {
  return `/app/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`;
}

// Keep what the form holds (never a password) to put back after logging in.
function keepDraft(form) {
  const values = {};
  for (const input of form.querySelectorAll("[name]")) {
    if (input.type === "password" || input.type === "file") continue;
    values[input.name] = input.type === "checkbox" ? input.checked : input.value;
  }
  const draft = { page: window.location.pathname + window.location.search, form: formKey(form), values };
  try {
    sessionStorage.setItem("draft", JSON.stringify(draft));
  } catch (error) {
    // Storage blocked: the form stays filled in this tab only.
  }
}

function formKey(form) {
  return `${form.dataset.method || "POST"} ${form.dataset.url}`;
}

// After logging in again, refill the form the session ended on and open its dialog.
function restoreDraft() {
  let draft = null;
  try {
    draft = JSON.parse(sessionStorage.getItem("draft") || "null");
  } catch (error) {
    draft = null;
  }
  if (!draft || draft.page !== window.location.pathname + window.location.search) return;
  sessionStorage.removeItem("draft");
  const form = Array.from(document.querySelectorAll("form[data-url]")).find((f) => formKey(f) === draft.form);
  if (!form) return;
  for (const input of form.querySelectorAll("[name]")) {
    if (!(input.name in draft.values)) continue;
    if (input.type === "checkbox") input.checked = draft.values[input.name];
    else input.value = draft.values[input.name];
  }
  const dialog = form.closest("dialog");
  if (dialog && !dialog.open) dialog.showModal();
  const alert = form.querySelector("[role=alert]");
  if (alert) alert.textContent = "You are logged in again and what you typed is back. Check it, then send it again.";
}

// The dialog that says the session ended, built once (no page carries it).
function sessionDialog() {
  let dialog = document.getElementById("session-ended");
  if (dialog) return dialog;
  dialog = document.createElement("dialog");
  dialog.id = "session-ended";
  dialog.setAttribute("aria-labelledby", "session-ended-title");
  dialog.setAttribute("aria-describedby", "session-ended-text");
  const article = document.createElement("article");
  const heading = document.createElement("h2");
  heading.id = "session-ended-title";
  heading.textContent = "Your session has ended";
  const text = document.createElement("p");
  text.id = "session-ended-text";
  text.textContent =
    "You were logged out, in another tab or after a while without use. Nothing was saved. " +
    "Log in again to come back to this page with what you typed.";
  const actions = document.createElement("div");
  actions.className = "actions";
  const login = document.createElement("a");
  login.setAttribute("role", "button");
  login.textContent = "Log in again";
  const close = document.createElement("button");
  close.type = "button";
  close.className = "secondary";
  close.textContent = "Stay on this page";
  close.addEventListener("click", () => dialog.close());
  actions.append(login, close);
  article.append(heading, text, actions);
  dialog.append(article);
  document.body.append(dialog);
  return dialog;
}

function showSessionEnded(form) {
  if (form) keepDraft(form);
  const dialog = sessionDialog();
  dialog.querySelector("a").href = loginAgainUrl();
  if (!dialog.open) dialog.showModal();
}

// --- Forms ------------------------------------------------------------------

// Send a form's body to the API (data-method, data-url) and act on the
// answer: go to data-next, or reload, on success; show the errors if not.
// data-if-match sends If-Match (unless options.ifMatch is false);
// data-idempotent sends an Idempotency-Key, kept for retries of the same
// attempt so a retry is never applied twice; data-done is the message read
// out on the next page (options.done(result) may word it instead);
// data-stale words the 412 for this form; a form with data-no-session works
// logged out, so its 401 is its own answer (a wrong password).
async function submitForm(component, form, body, options) {
  const settings = { ifMatch: true, ...(options || {}) };
  if (component.busy) return;
  component.busy = true;
  showErrors(form, null, "");
  const headers = {};
  if (form.dataset.ifMatch && settings.ifMatch) headers["If-Match"] = `"${form.dataset.ifMatch}"`;
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
  if (result.ok) {
    component.key = null;
    announceNext(settings.done ? settings.done(result) : form.dataset.done || (result.body && result.body.message));
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
  if (form.dataset.noSession === undefined && (await sessionHasEnded(result))) {
    component.busy = false;
    showErrors(form, null, "Not saved: your session has ended.");
    showSessionEnded(form);
    return;
  }
  component.busy = false;
  showErrors(form, result, explain(result, form));
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
      const select = event.target;
      const result = await api("POST", `/teams/${select.value}/switch`);
      if (result.ok) {
        announceNext(`Now working in ${select.selectedOptions[0].textContent.trim()}.`);
        window.location.assign("/app/");
      } else if (await sessionHasEnded(result)) {
        showSessionEnded(null);
      }
    },
  }));
});

// Mark the page ready once its components are live (the browser tests wait
// for it before typing, as a person waits for the page to respond).
document.addEventListener("alpine:initialized", () => {
  showPasswordRules();
  announceRemembered();
  restoreDraft();
  document.documentElement.dataset.ready = "true";
});

// A new password's rule (field_types.Password) is shown under its field
// before the first mistake, on every form that sets one.
const PASSWORD_RULE = "At least 8 characters, with at least one letter and one digit.";

function showPasswordRules() {
  for (const input of document.querySelectorAll('input[autocomplete="new-password"]')) {
    const hint = document.createElement("small");
    hint.id = `${input.id}-hint`;
    hint.className = "field-hint";
    hint.textContent = PASSWORD_RULE;
    input.after(hint);
    input.setAttribute("aria-describedby", `${hint.id} ${input.getAttribute("aria-describedby") || ""}`.trim());
  }
}

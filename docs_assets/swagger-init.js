// Starts Swagger UI on /docs. A separate file (not inline) so that the page's
// Content-Security-Policy can forbid inline scripts.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    // Send the session cookie with "Try it out" requests: log in with
    // POST /login first, then every other operation works as you.
    withCredentials: true,
  });
});

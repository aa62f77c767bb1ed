// Starts Swagger UI on /docs (src/pages/docs.tsx). A file, not an inline
// script, because the page's CSP allows only same-origin script files.
// SwaggerUIBundle comes from /docs/vendor/, copied from swagger-ui-dist by
// scripts/copy-assets.mjs.
(() => {
  const el = document.getElementById("docs");
  const SwaggerUIBundle = window.SwaggerUIBundle;
  if (!el || typeof SwaggerUIBundle !== "function") return;
  window.ui = SwaggerUIBundle({
    url: el.dataset.url || "/openapi.json",
    domNode: el,
    deepLinking: true,
    // No request to validator.swagger.io (or anywhere else off-origin).
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    persistAuthorization: false,
  });
})();

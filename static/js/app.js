/* The installable app: registers the service worker (/sw.js, served by pekka/pwa.py) and, when a new release's
   worker is waiting, shows "A new version is available — reload" instead of keeping her on old code. Tapping it
   lets the new worker take over, and the page reloads once when it does. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  const script = document.currentScript;
  const url = script && script.dataset.swUrl;
  if (!url) return;

  let reloading = false;
  let asked = false;

  function banner() {
    return document.querySelector("[data-update-banner]");
  }

  function offer(worker) {
    const element = banner();
    if (!element || !worker) return;
    element.hidden = false;
    const button = element.querySelector("[data-update-reload]");
    button.onclick = function () {
      asked = true;
      button.disabled = true;
      worker.postMessage({ type: "SKIP_WAITING" });
    };
  }

  function watch(registration) {
    if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
    registration.addEventListener("updatefound", function () {
      const worker = registration.installing;
      if (!worker) return;
      worker.addEventListener("statechange", function () {
        // The first worker of a phone installs without a controller: nothing old to replace, nothing to offer.
        if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
      });
    });
  }

  navigator.serviceWorker.addEventListener("controllerchange", function () {
    if (!asked || reloading) return;
    reloading = true;
    window.location.reload();
  });

  // After the page has loaded, so that fetching the app shell never slows the first view (the login page on 3G).
  window.addEventListener("load", function () {
    navigator.serviceWorker
      .register(url, { scope: "/", updateViaCache: "none" })
      .then(function (registration) {
        watch(registration);
        // A phone left open all day still hears of a release when the signal comes back.
        window.addEventListener("online", function () {
          registration.update().catch(function () {});
        });
      })
      .catch(function () {});
  });
})();
